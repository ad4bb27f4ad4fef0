// `dcmlens pacs echo|find|get SERVER ...`: query and retrieve from a PACS (net/).
//   pacs echo SERVER
//   pacs find SERVER [--level study|series|instance] [--patient-name ..] [--patient-id ..]
//        [--date FROM-TO] [--modality ..] [--accession ..] [--description ..] [--study UID]
//        [--series UID] [--include KEYWORD,..] [--limit N] [--offset N] [--json]
//   pacs get SERVER STUDY_UID [SERIES_UID] -o DIR
// SERVER: a name from servers.json, http(s)://[USER:PASSWORD@]HOST:PORT/PATH (DICOMweb) or
// dicom://CALLED_AET@HOST:PORT (DIMSE); --calling-aet, --store-port (C-MOVE), --timeout.

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/json_writer.hpp"
#include "cli/remote_input.hpp"
#include "cli/report.hpp"
#include "common/error.hpp"
#include "net/dicomweb.hpp"
#include "net/dimse.hpp"
#include "net/query.hpp"
#include "net/retrieval.hpp"

namespace dcmlens::cli {

namespace {

const std::set<std::string> kServerOptions = {"--calling-aet", "--store-port", "--timeout"};

net::Server serverFrom(const Arguments& a, const std::string& text) {
    net::ServerConfig config;
    if (!net::parseServerUrl(text)) {
        config = net::loadServerConfig();  // a name: the configuration says what it is
    }
    net::Server server = net::resolveServer(text, config);
    applyServerOptions(server, a.value("--calling-aet"), a.value("--store-port"),
                       a.value("--timeout"));
    return server;
}

std::vector<net::Record> query(const net::Server& server, const net::Query& q) {
    if (server.kind == net::Server::Kind::DicomWeb) {
        net::DicomWebClient client(server);
        return client.query(q);
    }
    net::DimseClient client(server);
    return client.find(q);
}

// Numbers stay numbers in JSON (IS, US, UL, SS, SL; DS only when it is plain).
bool numericVr(const std::string& vr) {
    return vr == "IS" || vr == "US" || vr == "UL" || vr == "SS" || vr == "SL" || vr == "DS" ||
           vr == "FL" || vr == "FD";
}

bool plainNumber(const std::string& s) {
    if (s.empty()) {
        return false;
    }
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size() && s.find_first_of("xXnN") == std::string::npos;
}

std::string findJson(const std::vector<net::Record>& records) {
    JsonWriter j;
    j.beginArray();
    for (const net::Record& r : records) {
        j.beginObject();
        for (const auto& [t, attribute] : r.attributes) {
            j.key(net::keywordOf(t));
            const std::string value = r.joined(t);
            if (attribute.values.size() == 1 && numericVr(attribute.vr) && plainNumber(value)) {
                j.number(value);
            } else {
                j.value(value);
            }
        }
        j.endObject();
    }
    j.endArray();
    return j.str();
}

std::string findText(const std::vector<net::Record>& records, net::Query::Level level) {
    std::vector<std::uint32_t> columns;
    switch (level) {
        case net::Query::Level::Study:
            columns = {net::tag::PatientName,      net::tag::PatientId,
                       net::tag::StudyDate,        net::tag::ModalitiesInStudy,
                       net::tag::StudyDescription, net::tag::NumberOfStudyRelatedSeries,
                       net::tag::StudyInstanceUid};
            break;
        case net::Query::Level::Series:
            columns = {net::tag::Modality, net::tag::SeriesNumber, net::tag::SeriesDescription,
                       net::tag::NumberOfSeriesRelatedInstances, net::tag::SeriesInstanceUid};
            break;
        case net::Query::Level::Instance:
            columns = {net::tag::InstanceNumber, net::tag::SopClassUid, net::tag::SopInstanceUid};
            break;
    }
    std::string out;
    for (const net::Record& r : records) {
        std::string line;
        for (std::uint32_t c : columns) {
            line += (line.empty() ? "" : "  ") + (r.joined(c).empty() ? "-" : r.joined(c));
        }
        out += line + "\n";
    }
    return out;
}

int runEcho(const std::vector<std::string>& args) {
    const Arguments a(args, {}, kServerOptions);
    if (a.positionals().size() != 1) {
        throw UsageError{"pacs echo needs SERVER"};
    }
    const std::string& text = a.positionals()[0];
    try {
        const net::Server server = serverFrom(a, text);
        const auto start = std::chrono::steady_clock::now();
        if (server.kind == net::Server::Kind::DicomWeb) {
            net::DicomWebClient(server).echo();
        } else {
            net::DimseClient(server).echo();
        }
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        std::printf("%s answers (%s, %.0f ms)\n", server.describe().c_str(),
                    server.kind == net::Server::Kind::DicomWeb ? "QIDO-RS" : "C-ECHO", ms);
        return 0;
    } catch (const Error& e) {
        return reportError(text, e.what());
    }
}

int runFind(const std::vector<std::string>& args) {
    std::set<std::string> valued = kServerOptions;
    valued.insert({"--level", "--patient-name", "--patient-id", "--date", "--modality",
                   "--accession", "--description", "--study", "--series", "--include", "--limit",
                   "--offset"});
    const Arguments a(args, {"--json"}, valued);
    if (a.positionals().size() != 1) {
        throw UsageError{"pacs find needs SERVER"};
    }
    net::Query q;
    const std::string level = a.value("--level").value_or("study");
    if (level == "study") {
        q.level = net::Query::Level::Study;
    } else if (level == "series") {
        q.level = net::Query::Level::Series;
    } else if (level == "instance" || level == "image") {
        q.level = net::Query::Level::Instance;
    } else {
        throw UsageError{"--level is study, series or instance, not '" + level + "'"};
    }
    q.patientName = a.value("--patient-name").value_or("");
    q.patientId = a.value("--patient-id").value_or("");
    q.studyDate = a.value("--date").value_or("");
    if (!q.studyDate.empty() && q.studyDate.find_first_not_of("0123456789-") != std::string::npos) {
        throw UsageError{"--date is YYYYMMDD or FROM-TO (either end may be left out)"};
    }
    q.modality = a.value("--modality").value_or("");
    q.accessionNumber = a.value("--accession").value_or("");
    q.studyDescription = a.value("--description").value_or("");
    q.studyUid = a.value("--study").value_or("");
    q.seriesUid = a.value("--series").value_or("");
    q.limit = a.value("--limit") ? parseInt("--limit", *a.value("--limit"), 1) : 0;
    q.offset = a.value("--offset") ? parseInt("--offset", *a.value("--offset"), 0) : 0;
    if (auto include = a.value("--include")) {
        std::size_t at = 0;
        while (at <= include->size()) {
            const std::size_t comma = std::min(include->find(',', at), include->size());
            if (comma > at) {
                q.includeFields.push_back(include->substr(at, comma - at));
            }
            at = comma + 1;
        }
    }
    const std::string& text = a.positionals()[0];
    try {
        for (const std::string& field : q.includeFields) {
            net::tagOf(field);  // an unknown keyword is the user's mistake: said before asking
        }
        const net::Server server = serverFrom(a, text);
        const std::vector<net::Record> records = query(server, q);
        std::cout << (a.has("--json") ? findJson(records) + "\n" : findText(records, q.level));
        return 0;
    } catch (const Error& e) {
        return reportError(text, e.what());
    }
}

// Writes one instance as DIR/SOP.dcm (the SOP Instance UID checked to be a plain file name).
void writeInstance(const std::filesystem::path& dir, const model::Instance& header) {
    if (!net::isUid(header.sopInstanceUid)) {
        throw Error(header.path + ": its SOP Instance UID is not a UID; not written");
    }
    const std::filesystem::path target = dir / (header.sopInstanceUid + ".dcm");
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    if (header.encoded) {
        out.write(reinterpret_cast<const char*>(header.encoded->data()),
                  static_cast<std::streamsize>(header.encoded->size()));
    } else {
        std::ifstream in(header.path, std::ios::binary);  // from the cache
        out << in.rdbuf();
    }
    if (!out) {
        throw Error("cannot write " + target.string());
    }
}

int runGet(const std::vector<std::string>& args) {
    std::set<std::string> valued = kServerOptions;
    valued.insert("-o");
    const Arguments a(args, {}, valued);
    if (a.positionals().size() < 2 || a.positionals().size() > 3 || !a.value("-o")) {
        throw UsageError{"pacs get needs SERVER STUDY_UID [SERIES_UID] -o DIR"};
    }
    const std::string& text = a.positionals()[0];
    const std::string study = a.positionals()[1];
    const std::filesystem::path out = *a.value("-o");
    try {
        if (!net::isUid(study) ||
            (a.positionals().size() == 3 && !net::isUid(a.positionals()[2]))) {
            throw Error("study and series are UIDs (digits and dots)");
        }
        const net::Server server = serverFrom(a, text);
        std::vector<std::string> series;
        if (a.positionals().size() == 3) {
            series.push_back(a.positionals()[2]);
        } else {
            net::Query q;
            q.level = net::Query::Level::Series;
            q.studyUid = study;
            for (const net::Record& r : query(server, q)) {
                series.push_back(r.first(net::tag::SeriesInstanceUid));
            }
            if (series.empty()) {
                throw Error("the server has no series in study " + study);
            }
        }
        std::error_code ec;
        std::filesystem::create_directories(out, ec);
        if (!std::filesystem::is_directory(out, ec)) {
            throw Error("cannot create the folder " + out.string());
        }
        std::unique_ptr<net::InstanceCache> cache = openInstanceCache();
        int failures = 0;
        std::size_t written = 0;
        for (const std::string& uid : series) {
            const std::filesystem::path dir = series.size() > 1 ? out / uid : out;
            std::filesystem::create_directories(dir, ec);
            net::SeriesRetrieval::Options options;
            options.cache = cache->usable() ? cache.get() : nullptr;
            net::SeriesRetrieval retrieval({server, study, uid}, options);
            for (;;) {
                retrieval.wait(std::chrono::milliseconds(200));
                const bool finished = retrieval.progress().finished;
                for (const auto& arrived : retrieval.take()) {
                    try {
                        writeInstance(dir, *arrived.header);
                        ++written;
                    } catch (const Error& e) {
                        ++failures;
                        std::cerr << "dcmlens: " << e.what() << std::endl;
                    }
                }
                for (const std::string& e : retrieval.takeErrors()) {
                    ++failures;
                    std::cerr << "dcmlens: " << e << std::endl;
                }
                if (finished) {
                    break;
                }
            }
        }
        std::printf("%zu instances written to %s\n", written, out.string().c_str());
        return failures == 0 ? 0 : 1;
    } catch (const Error& e) {
        return reportError(text, e.what());
    }
}

}  // namespace

int runPacs(const std::vector<std::string>& args) {
    if (args.empty()) {
        throw UsageError{"pacs needs echo, find or get"};
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "echo") {
        return runEcho(rest);
    }
    if (args[0] == "find") {
        return runFind(rest);
    }
    if (args[0] == "get") {
        return runGet(rest);
    }
    throw UsageError{"pacs needs echo, find or get, not '" + args[0] + "'"};
}

}  // namespace dcmlens::cli

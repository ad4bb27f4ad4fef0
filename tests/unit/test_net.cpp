// net/ without a network: the multipart parser, the DICOM JSON reader, URLs and servers.json,
// the instance cache, and DicomFile from memory (the same decode as from the file).

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "net/cache.hpp"
#include "net/json.hpp"
#include "net/multipart.hpp"
#include "net/query.hpp"
#include "net/server.hpp"

using namespace dcmlens;
namespace fs = std::filesystem;

namespace {

struct Collected {
    std::vector<net::MultipartParser::Part> parts;
};

// Feeds `body` in pieces cut at `cuts` (offsets), returns the parts.
std::vector<net::MultipartParser::Part> parse(const std::string& boundary, const std::string& body,
                                              const std::vector<std::size_t>& cuts = {}) {
    std::vector<net::MultipartParser::Part> parts;
    net::MultipartParser parser(
        boundary, [&](net::MultipartParser::Part&& p) { parts.push_back(std::move(p)); });
    std::size_t at = 0;
    for (std::size_t cut : cuts) {
        parser.feed(body.data() + at, cut - at);
        at = cut;
    }
    parser.feed(body.data() + at, body.size() - at);
    parser.finish();
    return parts;
}

std::string text(const std::vector<std::uint8_t>& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

// A body whose part bodies contain near-misses of the delimiter ("\r\n--", "\r\n--bound").
const std::string kBoundary = "bound-ary_1";
std::string sampleBody() {
    return "preamble to be ignored\r\n"
           "--bound-ary_1\r\n"
           "Content-Type: application/dicom\r\n"
           "X-Note:  spaced  \r\n"
           "\r\n"
           "first\r\n--bound-ary_ \r\n--not\r\n"
           "\r\n--bound-ary_1  \t\r\n"
           "Content-Type: application/dicom\r\n"
           "\r\n"
           "\r\n"  // an empty body: this line break belongs to the delimiter
           "--bound-ary_1\r\n"
           "\r\n"  // no headers at all
           "third"
           "\r\n--bound-ary_1--\r\n"
           "epilogue, also ignored\r\n--bound-ary_1\r\n";
}

}  // namespace

TEST(Multipart, PartsHeadersPreambleAndEpilogue) {
    const auto parts = parse(kBoundary, sampleBody());
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(text(parts[0].body), "first\r\n--bound-ary_ \r\n--not\r\n");
    EXPECT_EQ(parts[0].headers.at("content-type"), "application/dicom");
    EXPECT_EQ(parts[0].headers.at("x-note"), "spaced");
    EXPECT_EQ(text(parts[1].body), "");
    EXPECT_TRUE(parts[2].headers.empty());
    EXPECT_EQ(text(parts[2].body), "third");
}

TEST(Multipart, EverySplitOfTheBodyGivesTheSameParts) {
    const std::string body = sampleBody();
    const auto whole = parse(kBoundary, body);
    for (std::size_t cut = 0; cut <= body.size(); ++cut) {
        const auto parts = parse(kBoundary, body, {cut});
        ASSERT_EQ(parts.size(), whole.size()) << "cut at " << cut;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            EXPECT_EQ(parts[i].body, whole[i].body) << "cut at " << cut;
            EXPECT_EQ(parts[i].headers, whole[i].headers) << "cut at " << cut;
        }
    }
    // One byte at a time.
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < body.size(); ++i) {
        cuts.push_back(i);
    }
    const auto bytewise = parse(kBoundary, body, cuts);
    ASSERT_EQ(bytewise.size(), 3u);
    EXPECT_EQ(bytewise[0].body, whole[0].body);
}

TEST(Multipart, BinaryBodiesSurviveRandomSplits) {
    std::mt19937 rng(16);
    std::vector<std::string> bodies;
    std::string body;
    for (int p = 0; p < 5; ++p) {
        std::string part(static_cast<std::size_t>(1000 + p * 777), '\0');
        for (char& c : part) {
            c = static_cast<char>(rng() % 4 == 0 ? '\r' : rng() % 3 == 0 ? '\n' : rng() % 256);
        }
        part += "\r\n--" + kBoundary.substr(0, 5);  // a near miss at the end
        bodies.push_back(part);
        body += "--" + kBoundary + "\r\nContent-Type: application/dicom\r\n\r\n" + part + "\r\n";
    }
    body += "--" + kBoundary + "--";
    for (int trial = 0; trial < 50; ++trial) {
        std::vector<std::size_t> cuts;
        for (std::size_t at = rng() % 97; at < body.size(); at += 1 + rng() % 3000) {
            cuts.push_back(at);
        }
        const auto parts = parse(kBoundary, body, cuts);
        ASSERT_EQ(parts.size(), bodies.size());
        for (std::size_t i = 0; i < parts.size(); ++i) {
            EXPECT_EQ(text(parts[i].body), bodies[i]);
        }
    }
}

TEST(Multipart, PartsAreHandedOverAsTheyComplete) {
    std::size_t seen = 0;
    net::MultipartParser parser(kBoundary, [&](net::MultipartParser::Part&&) { ++seen; });
    const std::string first = "--" + kBoundary + "\r\n\r\nA\r\n--" + kBoundary + "\r\n\r\nB";
    parser.feed(first.data(), first.size());
    EXPECT_EQ(seen, 1u);  // A is complete; B is not until its delimiter comes
    const std::string rest = "\r\n--" + kBoundary + "--";
    parser.feed(rest.data(), rest.size());
    EXPECT_EQ(seen, 2u);
    EXPECT_TRUE(parser.complete());
}

TEST(Multipart, BoundaryFromContentType) {
    EXPECT_EQ(net::MultipartParser::boundaryOf(
                  "multipart/related; type=\"application/dicom\"; boundary=abc123"),
              "abc123");
    EXPECT_EQ(net::MultipartParser::boundaryOf(
                  "Multipart/Related;BOUNDARY=\"a b;c=d\";type=\"application/dicom\""),
              "a b;c=d");
    EXPECT_EQ(net::MultipartParser::boundaryOf("multipart/related; boundary=\"q\\\"x\""), "q\"x");
    EXPECT_THROW(net::MultipartParser::boundaryOf("application/dicom"), Error);
    EXPECT_THROW(net::MultipartParser::boundaryOf("multipart/related; type=x"), Error);
    EXPECT_THROW(net::MultipartParser::boundaryOf(""), Error);
}

TEST(Multipart, MalformedAndTruncatedBodiesAreErrors) {
    // Cut in the middle of a part.
    EXPECT_THROW(parse(kBoundary, "--" + kBoundary + "\r\n\r\nhalf a part"), Error);
    // No closing delimiter after the last part.
    EXPECT_THROW(parse(kBoundary, "--" + kBoundary + "\r\n\r\nA\r\n--" + kBoundary + "\r\n"),
                 Error);
    // No boundary at all.
    EXPECT_THROW(parse(kBoundary, "<html>not multipart</html>"), Error);
    // Text after a boundary on its line.
    EXPECT_THROW(parse(kBoundary, "--" + kBoundary + "junk\r\n\r\nA\r\n--" + kBoundary + "--"),
                 Error);
    // A header line without a name.
    EXPECT_THROW(parse(kBoundary, "--" + kBoundary + "\r\n: x\r\n\r\nA\r\n--" + kBoundary + "--"),
                 Error);
    try {
        parse(kBoundary, "--" + kBoundary + "\r\n\r\nA\r\n--" + kBoundary + "\r\n\r\nhalf");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("middle of part 2"), std::string::npos) << e.what();
    }
}

TEST(DicomJson, ReadsAQidoAnswer) {
    const std::string answer = R"([
      {"0020000D": {"vr": "UI", "Value": ["1.2.3"]},
       "00100010": {"vr": "PN", "Value": [{"Alphabetic": "Doe^Jane", "Ideographic": "x"}]},
       "00080061": {"vr": "CS", "Value": ["CT", "MR"]},
       "00201206": {"vr": "IS", "Value": [3]},
       "00281050": {"vr": "DS", "Value": [40.5, -1e2]},
       "00080050": {"vr": "SH"},
       "00081030": {"vr": "LO", "Value": [null]},
       "00081115": {"vr": "SQ", "Value": [{"0020000E": {"vr": "UI", "Value": ["9"]}}]},
       "7FE00010": {"vr": "OW", "BulkDataURI": "http://x/bulk"}},
      {"0020000d": {"vr": "UI", "Value": ["4.5"]}}
    ])";
    const auto records = net::parseDicomJson(answer);
    ASSERT_EQ(records.size(), 2u);
    const net::Record& r = records[0];
    EXPECT_EQ(r.first(net::tag::StudyInstanceUid), "1.2.3");
    EXPECT_EQ(r.first(net::tag::PatientName), "Doe^Jane");
    EXPECT_EQ(r.joined(net::tag::ModalitiesInStudy), "CT\\MR");
    EXPECT_EQ(r.first(net::tag::NumberOfStudyRelatedSeries), "3");
    EXPECT_EQ(r.joined(0x00281050), "40.5\\-1e2");
    EXPECT_TRUE(r.has(net::tag::AccessionNumber));
    EXPECT_EQ(r.first(net::tag::AccessionNumber), "");
    EXPECT_EQ(r.first(net::tag::StudyDescription), "");
    EXPECT_FALSE(r.has(0x00081115));  // sequences are not kept
    EXPECT_TRUE(r.has(0x7FE00010));
    EXPECT_TRUE(r.attributes.at(0x7FE00010).values.empty());
    EXPECT_EQ(records[1].first(net::tag::StudyInstanceUid), "4.5");
    EXPECT_TRUE(net::parseDicomJson("").empty());  // 204 No Content
    EXPECT_TRUE(net::parseDicomJson(" []\n").empty());
}

TEST(DicomJson, MalformedAnswersAreErrors) {
    for (const char* bad :
         {"{", "[", "[{]", "{\"a\":1}", "[1]", "[{\"0010\": {}}]", "[{\"00100010\": 5}]",
          "[{\"00100010\": {\"Value\": 5}}]", "[{\"00100010\": {\"Value\": [[1]]}}]", "[] x",
          "[\"\\x\"]", "[\"unterminated]", "<html>"}) {
        EXPECT_THROW(net::parseDicomJson(bad), Error) << bad;
    }
    std::string deep(100, '[');
    EXPECT_THROW(net::parseJson(deep + std::string(100, ']')), Error);
}

TEST(DicomJson, StringsAndNumbers) {
    const auto v = net::parseJson(R"({"s": "a\"b\\c\u00e9\ud83d\ude00", "n": -12.5e1, "t": true})");
    EXPECT_EQ(v.find("s")->text, "a\"b\\c\xc3\xa9\xf0\x9f\x98\x80");
    EXPECT_EQ(v.find("n")->text, "-12.5e1");
    EXPECT_DOUBLE_EQ(v.find("n")->number, -125);
    EXPECT_TRUE(v.find("t")->boolean);
    EXPECT_EQ(v.find("x"), nullptr);
}

TEST(Servers, UrlForms) {
    ::unsetenv("DCMLENS_PACS_USER");
    ::unsetenv("DCMLENS_PACS_PASSWORD");
    auto web = net::parseServerUrl("http://us%40er:p%3Aw@127.0.0.1:8042/dicom-web/");
    ASSERT_TRUE(web);
    EXPECT_EQ(web->kind, net::Server::Kind::DicomWeb);
    EXPECT_EQ(web->url, "http://127.0.0.1:8042/dicom-web");
    EXPECT_EQ(web->user, "us@er");
    EXPECT_EQ(web->password, "p:w");
    ::setenv("DCMLENS_PACS_USER", "envuser", 1);
    ::setenv("DCMLENS_PACS_PASSWORD", "envpw", 1);
    web = net::parseServerUrl("https://pacs.example/wado");
    EXPECT_EQ(web->user, "envuser");
    EXPECT_EQ(web->password, "envpw");
    ::unsetenv("DCMLENS_PACS_USER");
    ::unsetenv("DCMLENS_PACS_PASSWORD");
    auto dimse = net::parseServerUrl("dicom://ORTHANC@127.0.0.1:4242");
    ASSERT_TRUE(dimse);
    EXPECT_EQ(dimse->kind, net::Server::Kind::Dimse);
    EXPECT_EQ(dimse->calledAet, "ORTHANC");
    EXPECT_EQ(dimse->host, "127.0.0.1");
    EXPECT_EQ(dimse->port, 4242);
    EXPECT_EQ(dimse->callingAet, "DCMLENS");
    EXPECT_FALSE(net::parseServerUrl("/some/folder"));
    EXPECT_FALSE(net::parseServerUrl("name"));
    EXPECT_THROW(net::parseServerUrl("dicom://127.0.0.1:4242"), Error);  // no AE title
    EXPECT_THROW(net::parseServerUrl("dicom://AET@host:99999"), Error);
    EXPECT_THROW(net::parseServerUrl("dicom://A_TITLE_MUCH_TOO_LONG@host:1"), Error);
    EXPECT_THROW(net::parseServerUrl("http://host:port/x"), Error);
}

TEST(Servers, SeriesLocations) {
    net::ServerConfig config = net::parseServerConfig(
        R"({"servers": [{"name": "main", "kind": "dimse", "host": "10.0.0.5", "port": 11112,
                          "called_aet": "PACS", "store_port": 11113}]})",
        "servers.json");
    auto web = net::parseSeriesLocation(
        "http://127.0.0.1:8042/dicom-web/studies/1.2.3/series/4.5.6", config);
    ASSERT_TRUE(web);
    EXPECT_EQ(web->server.url, "http://127.0.0.1:8042/dicom-web");
    EXPECT_EQ(web->studyUid, "1.2.3");
    EXPECT_EQ(web->seriesUid, "4.5.6");
    auto dimse = net::parseSeriesLocation("dicom://ORTHANC@h:4242/studies/1.2/series/3.4", config);
    ASSERT_TRUE(dimse);
    EXPECT_EQ(dimse->server.calledAet, "ORTHANC");
    EXPECT_EQ(dimse->seriesUid, "3.4");
    auto named = net::parseSeriesLocation("main:studies/1.2/series/3.4/", config);
    ASSERT_TRUE(named);
    EXPECT_EQ(named->server.host, "10.0.0.5");
    EXPECT_EQ(named->server.storePort, 11113);
    EXPECT_FALSE(net::parseSeriesLocation("folder/main:studies/1.2/series/3.4", config));
    EXPECT_FALSE(net::parseSeriesLocation("/data/ct", config));
    EXPECT_FALSE(net::parseSeriesLocation("http://h/dicom-web", config));
    EXPECT_THROW(net::parseSeriesLocation("other:studies/1.2/series/3.4", config), Error);
    EXPECT_THROW(net::parseSeriesLocation("main:studies/1.2/series/../x", config), Error);
}

TEST(Servers, ConfigFileRefusesSecretsOthersCanRead) {
    const fs::path dir =
        fs::temp_directory_path() / ("dcmlens-servers-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path file = dir / "servers.json";
    {
        std::ofstream out(file);
        out << R"({"servers": [{"name": "w", "kind": "dicomweb", "url": "http://h:1/dw",
                                "user": "u", "password": "secret"}], "cache_limit_mb": 10})";
    }
    ::chmod(file.c_str(), 0644);
    EXPECT_THROW(net::loadServerConfig(file), Error);
    ::chmod(file.c_str(), 0600);
    const net::ServerConfig config = net::loadServerConfig(file);
    ASSERT_EQ(config.servers.size(), 1u);
    EXPECT_EQ(config.servers[0].password, "secret");
    EXPECT_EQ(config.cacheLimitBytes, 10u << 20);
    {
        std::ofstream out(file);
        out << R"({"servers": [{"name": "w", "kind": "dicomweb", "url": "http://h:1/dw",
                                "user": "u", "password_env": "DCMLENS_TEST_PW"}]})";
    }
    ::chmod(file.c_str(), 0644);  // no secret in the file: readable is fine
    ::setenv("DCMLENS_TEST_PW", "fromenv", 1);
    EXPECT_EQ(net::loadServerConfig(file).servers.at(0).password, "fromenv");
    EXPECT_TRUE(net::loadServerConfig(dir / "missing.json").servers.empty());
    EXPECT_THROW(net::parseServerConfig(R"({"servers": [{"name": "x", "kind": "ftp"}]})", ""),
                 Error);
    EXPECT_THROW(net::resolveServer("unknown", config), Error);
    EXPECT_EQ(net::resolveServer("w", config).url, "http://h:1/dw");
    fs::remove_all(dir);
}

TEST(Query, KeywordsAndTags) {
    EXPECT_EQ(net::tagOf("PatientName"), 0x00100010u);
    EXPECT_EQ(net::tagOf("0020000D"), 0x0020000Du);
    EXPECT_EQ(net::keywordOf(0x0020000E), "SeriesInstanceUID");
    EXPECT_EQ(net::keywordOf(0x00091001), "00091001");  // private: no keyword
    EXPECT_THROW(net::tagOf("NoSuchKeyword"), Error);
    std::vector<net::Record> r(5);
    net::applyPaging(r, 1, 3);
    EXPECT_EQ(r.size(), 3u);
    net::applyPaging(r, 10, 0);
    EXPECT_TRUE(r.empty());
}

TEST(InstanceCache, StoresFindsAndEvictsTheLeastRecentlyUsed) {
    const fs::path dir =
        fs::temp_directory_path() / ("dcmlens-cache-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    net::InstanceCache cache(dir / "instances", 3500);
    ASSERT_TRUE(cache.usable()) << cache.unavailableBecause();
    struct stat st {};
    ASSERT_EQ(::stat((dir / "instances").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    const std::vector<std::uint8_t> kilobyte(1000, 7);
    EXPECT_TRUE(cache.store("1.1", kilobyte));
    EXPECT_TRUE(cache.store("1.2", kilobyte));
    // Make 1.1 the older use, then touch 1.2: storing a fourth kilobyte evicts 1.1.
    fs::last_write_time(dir / "instances" / "1.1.dcm",
                        fs::file_time_type::clock::now() - std::chrono::hours(2));
    fs::last_write_time(dir / "instances" / "1.2.dcm",
                        fs::file_time_type::clock::now() - std::chrono::hours(3));
    ASSERT_TRUE(cache.find("1.2"));  // a use: now the most recent
    EXPECT_TRUE(cache.store("1.3", kilobyte));
    EXPECT_TRUE(cache.store("1.4", kilobyte));
    EXPECT_FALSE(cache.find("1.1"));
    EXPECT_TRUE(cache.find("1.2"));
    EXPECT_LE(cache.sizeBytes(), 3500u);
    EXPECT_FALSE(cache.store("../escape", kilobyte));  // not a UID: not a file name
    EXPECT_FALSE(cache.find("1.9"));
    cache.storeSeries("2.1", {"1.2", "1.4"});
    auto series = cache.findSeries("2.1");
    ASSERT_TRUE(series);
    EXPECT_EQ(series->size(), 2u);
    cache.storeSeries("2.2", {"1.2", "1.1"});  // 1.1 was evicted: not whole
    EXPECT_FALSE(cache.findSeries("2.2"));
    // A folder others may write to is not used.
    ::chmod((dir / "instances").c_str(), 0777);
    EXPECT_FALSE(net::InstanceCache(dir / "instances").usable());
    fs::remove_all(dir);
}

TEST(DicomFileFromMemory, DecodesExactlyAsTheFile) {
    for (const char* name :
         {"CT_small.dcm", "MR_small_jp2klossless.dcm", "MR_small_RLE.dcm", "MR_small_bigendian.dcm",
          "SC_rgb_rle_2frame.dcm", "JPEG2000.dcm", "MR_small_jpeg_ls_lossless.dcm"}) {
        const std::string path = std::string(DCMLENS_CORPUS) + "/" + name;
        if (!fs::exists(path)) {
            ADD_FAILURE() << "corpus file missing: " << path;
            continue;
        }
        std::ifstream in(path, std::ios::binary);
        auto bytes = std::make_shared<const std::vector<std::uint8_t>>(
            std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        dicom::DicomFile fromFile(path);
        dicom::DicomFile fromMemory(bytes, "memory");
        EXPECT_EQ(fromMemory.instance().path, "memory");
        EXPECT_EQ(fromMemory.instance().encoded, bytes);
        // Native little-endian data is left in the bytes, as in a file: a loader reads it from
        // there straight into place.
        const bool native = fromFile.instance().nativePixels.has_value();
        EXPECT_EQ(fromMemory.instance().nativePixels.has_value(), native) << name;
        EXPECT_EQ(fromMemory.instance().transferSyntaxUid, fromFile.instance().transferSyntaxUid);
        EXPECT_EQ(fromMemory.instance().sopInstanceUid, fromFile.instance().sopInstanceUid);
        fromFile.decodeAllFrames();
        fromMemory.decodeAllFrames();
        const model::Instance a = fromFile.release();
        const model::Instance b = fromMemory.release();
        ASSERT_EQ(a.stored.byteCount(), b.stored.byteCount()) << name;
        EXPECT_EQ(0,
                  std::memcmp(a.stored.frameBytes(0), b.stored.frameBytes(0), a.stored.byteCount()))
            << name;
        if (native) {
            model::PixelBuffer none;
            const auto direct = dicom::readNativeFrames(b, none);
            ASSERT_TRUE(direct) << name;
            ASSERT_EQ(direct->byteCount(), a.stored.byteCount());
            EXPECT_EQ(
                0, std::memcmp(direct->frameBytes(0), a.stored.frameBytes(0), a.stored.byteCount()))
                << name;
        }
        // The loaders' way: openInstance decodes from the bytes a header carries.
        auto again = dicom::openInstance(b);
        again->decodeAllFrames();
        EXPECT_EQ(again->release().stored.byteCount(), a.stored.byteCount());
    }
    EXPECT_THROW(dicom::DicomFile(std::make_shared<const std::vector<std::uint8_t>>(), "empty"),
                 Error);
    auto junk = std::make_shared<const std::vector<std::uint8_t>>(300, 0x41);
    EXPECT_THROW(dicom::DicomFile(junk, "junk"), Error);
}

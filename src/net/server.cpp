#include "net/server.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/user_folders.hpp"
#include "net/json.hpp"

namespace dcmlens::net {

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// RFC 3986 percent-decoding of the userinfo part (a password may hold '@' or ':').
std::string percentDecoded(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() &&
            std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

int parsePort(const std::string& text, const std::string& url) {
    if (text.empty() || text.size() > 5 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
        throw Error("'" + url + "': the port must be a number");
    }
    const int port = std::stoi(text);
    if (port < 1 || port > 65535) {
        throw Error("'" + url + "': the port must be between 1 and 65535");
    }
    return port;
}

// DICOM AE titles: 1-16 characters of the default repertoire without backslash (PS3.5 6.2, AE).
void checkAeTitle(const std::string& aet, const std::string& where) {
    if (aet.empty() || aet.size() > 16 || aet.find('\\') != std::string::npos) {
        throw Error(where + ": an AE title has 1 to 16 characters, no backslash ('" + aet + "')");
    }
    for (unsigned char c : aet) {
        if (c < 0x20 || c > 0x7e) {
            throw Error(where + ": an AE title has printable ASCII characters only");
        }
    }
}

std::string stringMember(const JsonValue& object, const char* key, const std::string& where) {
    const JsonValue* v = object.find(key);
    if (!v || v->isNull()) {
        return "";
    }
    if (!v->isString()) {
        throw Error(where + ": \"" + key + "\" must be a string");
    }
    return v->text;
}

std::optional<double> numberMember(const JsonValue& object, const char* key,
                                   const std::string& where) {
    const JsonValue* v = object.find(key);
    if (!v || v->isNull()) {
        return std::nullopt;
    }
    if (!v->isNumber()) {
        throw Error(where + ": \"" + key + "\" must be a number");
    }
    return v->number;
}

}  // namespace

std::string Server::describe() const {
    if (kind == Kind::DicomWeb) {
        return url;
    }
    return "dicom://" + calledAet + "@" + host + ":" + std::to_string(port);
}

std::optional<Server> parseServerUrl(const std::string& text) {
    Server s;
    std::string rest;
    bool https = false;
    if (text.rfind("http://", 0) == 0) {
        rest = text.substr(7);
    } else if (text.rfind("https://", 0) == 0) {
        rest = text.substr(8);
        https = true;
    } else if (text.rfind("dicom://", 0) == 0) {
        rest = text.substr(8);
        s.kind = Server::Kind::Dimse;
    } else {
        return std::nullopt;
    }
    const std::size_t slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    const std::string path = slash == std::string::npos ? "" : rest.substr(slash);
    std::string userinfo;
    if (const std::size_t at = authority.rfind('@'); at != std::string::npos) {
        userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
    }
    std::string host = authority;
    std::string port;
    if (!host.empty() && host.front() == '[') {  // an IPv6 literal
        const std::size_t close = host.find(']');
        if (close == std::string::npos) {
            throw Error("'" + text + "': unclosed '[' in the host");
        }
        port = close + 1 < host.size() && host[close + 1] == ':' ? host.substr(close + 2) : "";
        host = host.substr(0, close + 1);
    } else if (const std::size_t colon = host.rfind(':'); colon != std::string::npos) {
        port = host.substr(colon + 1);
        host = host.substr(0, colon);
    }
    if (host.empty()) {
        throw Error("'" + text + "': no host");
    }
    s.name = host;
    if (s.kind == Server::Kind::Dimse) {
        if (userinfo.empty()) {
            throw Error("'" + text + "': a DIMSE URL is dicom://CALLED_AET@HOST:PORT");
        }
        if (path.size() > 1) {
            throw Error("'" + text + "': a DIMSE URL has no path (dicom://CALLED_AET@HOST:PORT)");
        }
        s.calledAet = percentDecoded(userinfo);
        checkAeTitle(s.calledAet, "'" + text + "'");
        s.host = host;
        s.port = port.empty() ? 104 : parsePort(port, text);
        return s;
    }
    std::string root = path;
    while (!root.empty() && root.back() == '/') {
        root.pop_back();
    }
    s.url = std::string(https ? "https://" : "http://") + authority + root;
    if (!port.empty()) {
        parsePort(port, text);
    }
    if (!userinfo.empty()) {
        const std::size_t colon = userinfo.find(':');
        s.user = percentDecoded(userinfo.substr(0, colon));
        s.password = colon == std::string::npos ? "" : percentDecoded(userinfo.substr(colon + 1));
    }
    if (s.user.empty()) {
        s.user = env("DCMLENS_PACS_USER");
    }
    if (s.password.empty()) {
        s.password = env("DCMLENS_PACS_PASSWORD");
    }
    return s;
}

std::filesystem::path defaultServersFile() {
    const std::filesystem::path base = configBase();
    return base.empty() ? base : base / "servers.json";
}

ServerConfig parseServerConfig(const std::string& text, const std::filesystem::path& file) {
    const std::string where = file.empty() ? std::string("servers.json") : file.string();
    JsonValue doc;
    try {
        doc = parseJson(text);
    } catch (const Error& e) {
        throw Error(where + ": " + e.what());
    }
    ServerConfig config;
    config.file = file;
    if (!doc.isObject()) {
        throw Error(where + ": must be an object with \"servers\": [...]");
    }
    if (auto mb = numberMember(doc, "cache_limit_mb", where)) {
        if (*mb < 0) {
            throw Error(where + ": \"cache_limit_mb\" must not be negative");
        }
        config.cacheLimitBytes = static_cast<std::uint64_t>(*mb * 1024 * 1024);
    }
    const JsonValue* servers = doc.find("servers");
    if (!servers) {
        return config;
    }
    if (!servers->isArray()) {
        throw Error(where + ": \"servers\" must be an array");
    }
    for (const JsonValue& entry : servers->items) {
        if (!entry.isObject()) {
            throw Error(where + ": each server is an object");
        }
        Server s;
        s.name = stringMember(entry, "name", where);
        if (s.name.empty() || s.name.find(':') != std::string::npos ||
            s.name.find('/') != std::string::npos) {
            throw Error(where + ": each server needs a \"name\" without ':' or '/'");
        }
        const std::string at = where + ": server '" + s.name + "'";
        const std::string kind = stringMember(entry, "kind", at);
        if (kind == "dicomweb") {
            s.kind = Server::Kind::DicomWeb;
            const auto parsed = parseServerUrl(stringMember(entry, "url", at));
            if (!parsed || parsed->kind != Server::Kind::DicomWeb) {
                throw Error(at + ": \"url\" must be an http:// or https:// DICOMweb root");
            }
            s.url = parsed->url;
        } else if (kind == "dimse") {
            s.kind = Server::Kind::Dimse;
            s.host = stringMember(entry, "host", at);
            if (s.host.empty()) {
                throw Error(at + ": needs \"host\"");
            }
            s.port = static_cast<int>(numberMember(entry, "port", at).value_or(104));
            if (s.port < 1 || s.port > 65535) {
                throw Error(at + ": \"port\" must be between 1 and 65535");
            }
            s.calledAet = stringMember(entry, "called_aet", at);
            checkAeTitle(s.calledAet, at + " \"called_aet\"");
            if (const std::string calling = stringMember(entry, "calling_aet", at);
                !calling.empty()) {
                s.callingAet = calling;
            }
            checkAeTitle(s.callingAet, at + " \"calling_aet\"");
            s.storePort = static_cast<int>(numberMember(entry, "store_port", at).value_or(0));
            if (s.storePort < 0 || s.storePort > 65535) {
                throw Error(at + ": \"store_port\" must be between 1 and 65535");
            }
        } else {
            throw Error(at + ": \"kind\" is \"dicomweb\" or \"dimse\"");
        }
        s.user = stringMember(entry, "user", at);
        s.password = stringMember(entry, "password", at);
        s.token = stringMember(entry, "token", at);
        if (const std::string name = stringMember(entry, "password_env", at); !name.empty()) {
            s.password = env(name.c_str());
        }
        if (const std::string name = stringMember(entry, "token_env", at); !name.empty()) {
            s.token = env(name.c_str());
        }
        if (s.user.empty()) {
            s.user = env("DCMLENS_PACS_USER");
        }
        if (s.password.empty()) {
            s.password = env("DCMLENS_PACS_PASSWORD");
        }
        s.caFile = stringMember(entry, "ca_file", at);
        s.connectTimeout = numberMember(entry, "connect_timeout", at).value_or(s.connectTimeout);
        s.transferTimeout = numberMember(entry, "transfer_timeout", at).value_or(s.transferTimeout);
        if (s.connectTimeout <= 0 || s.transferTimeout <= 0) {
            throw Error(at + ": timeouts must be positive (seconds)");
        }
        config.servers.push_back(std::move(s));
    }
    return config;
}

ServerConfig loadServerConfig(const std::filesystem::path& file) {
    ServerConfig config;
    config.file = file;
    if (file.empty()) {
        return config;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(file, ec)) {
            return config;  // no servers configured
        }
        throw Error(file.string() + ": cannot be read");
    }
    std::ostringstream text;
    text << in.rdbuf();
    const std::string content = text.str();
    // A secret written in the file: only its owner may read it. Checked before anything of the
    // file is used, so that a shared file is noticed at once.
    JsonValue doc;
    try {
        doc = parseJson(content);
    } catch (const Error& e) {
        throw Error(file.string() + ": " + e.what());
    }
    bool secret = false;
    if (const JsonValue* servers = doc.find("servers"); servers && servers->isArray()) {
        for (const JsonValue& entry : servers->items) {
            for (const char* key : {"password", "token"}) {
                const JsonValue* v = entry.find(key);
                secret = secret || (v && v->isString() && !v->text.empty());
            }
        }
    }
    struct stat st {};
    if (secret && ::stat(file.c_str(), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        throw Error(file.string() +
                    ": holds a password or token but others may read it (chmod 600 it, or "
                    "name an environment variable with \"password_env\")");
    }
    return parseServerConfig(content, file);
}

Server resolveServer(const std::string& text, const ServerConfig& config) {
    if (auto url = parseServerUrl(text)) {
        return *url;
    }
    for (const Server& s : config.servers) {
        if (s.name == text) {
            return s;
        }
    }
    std::string names;
    for (const Server& s : config.servers) {
        names += (names.empty() ? "" : ", ") + s.name;
    }
    throw Error("'" + text + "' is neither a configured server (" +
                (names.empty() ? std::string("none in ") +
                                     (config.file.empty() ? "servers.json" : config.file.string())
                               : names) +
                ") nor a URL (http(s)://HOST:PORT/PATH or dicom://AET@HOST:PORT)");
}

namespace {

// "studies/S/series/SE" (no leading slash) -> study and series UIDs.
bool splitResource(const std::string& path, std::string& study, std::string& series) {
    const std::string studies = "studies/";
    const std::string seriesWord = "/series/";
    if (path.rfind(studies, 0) != 0) {
        return false;
    }
    const std::size_t mid = path.find(seriesWord, studies.size());
    if (mid == std::string::npos) {
        return false;
    }
    study = path.substr(studies.size(), mid - studies.size());
    series = path.substr(mid + seriesWord.size());
    while (!series.empty() && series.back() == '/') {
        series.pop_back();
    }
    auto isUid = [](const std::string& uid) {
        return !uid.empty() && uid.size() <= 64 &&
               uid.find_first_not_of("0123456789.") == std::string::npos;
    };
    if (!isUid(study) || !isUid(series)) {
        throw Error("'" + path + "': study and series are UIDs (digits and dots, PS3.5 9.1)");
    }
    return true;
}

std::optional<SeriesLocation> parseLocation(const std::string& text, const ServerConfig* config) {
    SeriesLocation location;
    if (text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0 ||
        text.rfind("dicom://", 0) == 0) {
        const std::size_t at = text.find("/studies/");
        if (at == std::string::npos ||
            !splitResource(text.substr(at + 1), location.studyUid, location.seriesUid)) {
            return std::nullopt;
        }
        location.server = *parseServerUrl(text.substr(0, at));
        return location;
    }
    const std::size_t colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || text.compare(colon + 1, 8, "studies/") != 0 ||
        text.find('/') < colon) {  // a path with a colon in a folder name
        return std::nullopt;
    }
    if (!splitResource(text.substr(colon + 1), location.studyUid, location.seriesUid)) {
        return std::nullopt;
    }
    const ServerConfig loaded = config ? ServerConfig() : loadServerConfig();
    const ServerConfig& servers = config ? *config : loaded;
    const std::string name = text.substr(0, colon);
    for (const Server& s : servers.servers) {
        if (s.name == name) {
            location.server = s;
            return location;
        }
    }
    throw Error("no server named '" + name + "' in " +
                (servers.file.empty() ? std::string("servers.json") : servers.file.string()));
}

}  // namespace

std::optional<SeriesLocation> parseSeriesLocation(const std::string& text) {
    return parseLocation(text, nullptr);
}

std::optional<SeriesLocation> parseSeriesLocation(const std::string& text,
                                                  const ServerConfig& config) {
    return parseLocation(text, &config);
}

}  // namespace dcmlens::net

#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dcmlens::net {

// A PACS server dcmlens can query and retrieve from: a DICOMweb service (PS3.18) or a DIMSE
// peer (PS3.7, PS3.8). Configured in servers.json or given as a URL on the command line.
struct Server {
    enum class Kind { DicomWeb, Dimse };
    std::string name;  // as configured; for a URL the URL's host
    Kind kind = Kind::DicomWeb;

    // DICOMweb: the service root, without a trailing slash ("http://host:8042/dicom-web").
    std::string url;
    std::string user;      // HTTP Basic (RFC 7617) with `password`
    std::string password;  // from the file, the URL, $password_env or DCMLENS_PACS_PASSWORD
    std::string token;     // HTTP Bearer (RFC 6750); takes precedence over Basic
    std::string caFile;    // PEM certificates trusted besides the system's; TLS is always checked

    // DIMSE: the peer, its AE title and ours; a store port means C-MOVE to dcmlens' own storage
    // SCP listening there (the server must know our AE title at this host and port), none C-GET.
    std::string host;
    int port = 104;
    std::string calledAet;
    std::string callingAet = "DCMLENS";
    int storePort = 0;

    // Seconds to connect (TCP and, for DIMSE, the association), and without a byte arriving
    // while a request is answered.
    double connectTimeout = 10;
    double transferTimeout = 30;

    // "http://host:8042/dicom-web", "dicom://ORTHANC@host:4242": what messages call it.
    std::string describe() const;
};

// A URL for scripts: `http(s)://[USER:PASSWORD@]HOST[:PORT]/PATH` (a DICOMweb root) or
// `dicom://CALLED_AET@HOST:PORT` (DIMSE). Credentials missing from the URL come from
// DCMLENS_PACS_USER / DCMLENS_PACS_PASSWORD. nullopt when `text` is neither form; throws
// dcmlens::Error when it is one of them but malformed.
std::optional<Server> parseServerUrl(const std::string& text);

// The servers of $XDG_CONFIG_HOME/dcmlens/servers.json (else ~/.config/dcmlens/servers.json):
//   {"servers": [{"name": "main", "kind": "dicomweb", "url": "https://pacs/dicom-web",
//                 "user": "me", "password_env": "MAIN_PW", "ca_file": "/etc/ssl/pacs.pem"},
//                {"name": "modality", "kind": "dimse", "host": "10.0.0.5", "port": 104,
//                 "called_aet": "PACS", "calling_aet": "DCMLENS", "store_port": 11113}],
//    "cache_limit_mb": 4096}
// A password or token may be written in the file ("password", "token") or named by an
// environment variable ("password_env", "token_env"). A file that holds a secret must not be
// readable by others: such a file is refused (dcmlens::Error saying to chmod it).
struct ServerConfig {
    std::vector<Server> servers;
    std::optional<std::uint64_t> cacheLimitBytes;  // "cache_limit_mb"
    std::filesystem::path file;                    // where it was read from ("" when none)
};
std::filesystem::path defaultServersFile();
// A missing file is an empty configuration; a malformed one throws dcmlens::Error.
ServerConfig loadServerConfig(const std::filesystem::path& file = defaultServersFile());
ServerConfig parseServerConfig(const std::string& text, const std::filesystem::path& file);

// A configured name or a URL (parseServerUrl). Throws dcmlens::Error naming the configured
// servers when `text` is neither.
Server resolveServer(const std::string& text, const ServerConfig& config);

// A series on a server, as an input like a folder:
//   SERVER_URL/studies/STUDY_UID/series/SERIES_UID           (DICOMweb resource URL)
//   dicom://AET@HOST:PORT/studies/STUDY_UID/series/SERIES_UID (DIMSE)
//   NAME:studies/STUDY_UID/series/SERIES_UID                  (a configured server)
struct SeriesLocation {
    Server server;
    std::string studyUid;
    std::string seriesUid;
};
// nullopt when `text` is not of these forms (a file or folder path); throws dcmlens::Error
// when it is, but malformed or naming no configured server. The config is read only when the
// text has the NAME: form.
std::optional<SeriesLocation> parseSeriesLocation(const std::string& text);
std::optional<SeriesLocation> parseSeriesLocation(const std::string& text,
                                                  const ServerConfig& config);

}  // namespace dcmlens::net

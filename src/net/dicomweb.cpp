#include "net/dicomweb.hpp"

#include <curl/curl.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>

#include "common/error.hpp"
#include "net/multipart.hpp"

namespace dcmlens::net {

namespace {

void globalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string s) {
    for (char& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

// A query value percent-encoded only where a URL needs it (RFC 3986 3.4): DICOM's wildcards and
// the person name separator stay as written, because some servers match the raw text (Orthanc's
// plugin 1.7 does not decode %5E back to '^').
std::string escaped(const std::string& text) {
    static const std::string keep = "-._~*?^,:@!$'();/";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || keep.find(static_cast<char>(c)) != std::string::npos) {
            out += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            out += hex;
        }
    }
    return out;
}

// What an HTTP error status means to the user (RFC 9110 15).
std::string statusAdvice(long status) {
    switch (status) {
        case 400:
            return "the server did not understand the request";
        case 401:
            return "wrong user or password (or token): check the server's credentials, "
                   "DCMLENS_PACS_USER and DCMLENS_PACS_PASSWORD";
        case 403:
            return "this user may not read it";
        case 404:
            return "no such resource on the server (check the URL's DICOMweb root and the UIDs)";
        case 406:
            return "the server cannot send this representation";
        default:
            break;
    }
    if (status >= 500) {
        return "the server failed (its own log says why)";
    }
    return "the server refused the request";
}

}  // namespace

namespace detail {
struct HttpExchange {
    std::string url;
    std::string accept;
    // Multipart answers: each part to onPart; other answers are collected in `body`.
    bool multipart = false;
    std::function<void(MultipartParser::Part&&)> onPart;
    std::atomic<std::uint64_t>* receivedBytes = nullptr;

    long status = 0;
    std::string contentType;
    std::string body;  // a non-multipart answer, or the start of an error answer
    std::unique_ptr<MultipartParser> parser;
    std::exception_ptr failure;  // thrown inside a callback, rethrown after curl returns
};
}  // namespace detail

using Request = detail::HttpExchange;

namespace {

// Headers of the final answer (a 100 Continue or a redirect starts a new set).
std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* r = static_cast<Request*>(user);
    const std::string line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
        r->contentType.clear();
    }
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos && lower(line.substr(0, colon)) == "content-type") {
        std::string value = line.substr(colon + 1);
        while (!value.empty() &&
               (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
            value.pop_back();
        }
        while (!value.empty() && value.front() == ' ') {
            value.erase(0, 1);
        }
        r->contentType = value;
    }
    return size * count;
}

}  // namespace

namespace {

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* r = static_cast<Request*>(user);
    const std::size_t n = size * count;
    try {
        if (r->receivedBytes) {
            *r->receivedBytes += n;
        }
        if (!r->multipart || r->status >= 300) {
            if (r->body.size() < (r->multipart ? 4096u : (256u << 20))) {
                r->body.append(data, n);
            }
            return n;
        }
        if (!r->parser) {
            r->parser = std::make_unique<MultipartParser>(
                MultipartParser::boundaryOf(r->contentType), r->onPart);
        }
        r->parser->feed(data, n);
        return n;
    } catch (...) {
        r->failure = std::current_exception();
        return 0;  // curl stops with CURLE_WRITE_ERROR; the stored failure says why
    }
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<std::atomic<bool>*>(user)->load() ? 1 : 0;
}

}  // namespace

DicomWebClient::DicomWebClient(Server server) : server_(std::move(server)) {
    globalInit();
    curl_ = curl_easy_init();
    if (!curl_) {
        throw Error("cannot start an HTTP client (libcurl)");
    }
}

DicomWebClient::~DicomWebClient() {
    curl_easy_cleanup(static_cast<CURL*>(curl_));
}

void DicomWebClient::cancel() {
    cancelled_ = true;
}

void DicomWebClient::perform(Request& r) {
    if (cancelled_) {
        throw Error("cancelled");
    }
    CURL* curl = static_cast<CURL*>(curl_);
    curl_easy_reset(curl);  // keeps the connection cache
    char errors[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errors);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::ceil(server_.connectTimeout * 1000)));
    // A stalled answer (no byte for transferTimeout seconds) fails; a long series that keeps
    // arriving does not.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                     std::max(1L, static_cast<long>(std::ceil(server_.transferTimeout))));
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!server_.caFile.empty()) {
        // OpenSSL uses both: the file's certificates besides the system's folder.
        curl_easy_setopt(curl, CURLOPT_CAINFO, server_.caFile.c_str());
        curl_easy_setopt(curl, CURLOPT_CAPATH, "/etc/ssl/certs");
    }
    if (!server_.token.empty()) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
        curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, server_.token.c_str());
    } else if (!server_.user.empty()) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(curl, CURLOPT_USERNAME, server_.user.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, server_.password.c_str());
    }
    curl_slist* headers = curl_slist_append(nullptr, ("Accept: " + r.accept).c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &cancelled_);
    // The status is needed before the body: a header callback cannot see it, so ask curl once
    // the first body bytes come (the write callback runs after all headers).
    struct StatusProbe {
        static std::size_t write(char* data, std::size_t size, std::size_t count, void* user) {
            auto* pair = static_cast<std::pair<CURL*, Request*>*>(user);
            if (pair->second->status == 0) {
                curl_easy_getinfo(pair->first, CURLINFO_RESPONSE_CODE, &pair->second->status);
            }
            return onBody(data, size, count, pair->second);
        }
    };
    std::pair<CURL*, Request*> probe{curl, &r};
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, StatusProbe::write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &probe);

    const CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    if (r.failure) {
        std::rethrow_exception(r.failure);
    }
    const std::string where = r.url.substr(0, r.url.find('?'));
    if (code == CURLE_ABORTED_BY_CALLBACK && cancelled_) {
        throw Error("cancelled");
    }
    if (code != CURLE_OK) {
        const std::string detail = errors[0] ? errors : curl_easy_strerror(code);
        switch (code) {
            case CURLE_COULDNT_CONNECT:
            case CURLE_COULDNT_RESOLVE_HOST:
                throw Error("cannot connect to " + server_.url + ": " + detail);
            case CURLE_OPERATION_TIMEDOUT:
                throw Error("no answer from " + where + " (timed out: " + detail + ")");
            case CURLE_PEER_FAILED_VERIFICATION:
            case CURLE_SSL_CACERT_BADFILE:
            case CURLE_SSL_CONNECT_ERROR:
                throw Error("TLS with " + server_.url + " failed: " + detail +
                            " (a private CA's certificate goes in the server's \"ca_file\")");
            case CURLE_PARTIAL_FILE:
            case CURLE_RECV_ERROR:
            case CURLE_GOT_NOTHING:
                throw Error("the connection to " + where + " closed in the middle of the answer (" +
                            detail + ")");
            default:
                throw Error(where + ": " + detail);
        }
    }
    if (r.status >= 300 || r.status < 200) {
        std::string said = r.body.substr(0, 160);
        for (char& c : said) {
            if (c == '\n' || c == '\r' || static_cast<unsigned char>(c) < 0x20) {
                c = ' ';
            }
        }
        throw Error("HTTP " + std::to_string(r.status) + " from " + where + ": " +
                    statusAdvice(r.status));
    }
    if (r.multipart) {
        if (!r.parser) {
            if (r.status == 204) {
                return;  // no content: no instances
            }
            // Headers only, or a body that was not multipart at all.
            MultipartParser::boundaryOf(r.contentType);
            throw Error("the answer from " + where + " has no body");
        }
        r.parser->finish();
    }
}

std::vector<Record> DicomWebClient::query(const Query& q) {
    std::string path;
    switch (q.level) {
        case Query::Level::Study:
            path = "/studies";
            break;
        case Query::Level::Series:
            path = q.studyUid.empty() ? "/series" : "/studies/" + q.studyUid + "/series";
            break;
        case Query::Level::Instance:
            // Orthanc's plugin answers 404 to /series/{se}/instances: always through the study.
            path = q.studyUid.empty()
                       ? "/instances"
                       : "/studies/" + q.studyUid +
                             (q.seriesUid.empty() ? "" : "/series/" + q.seriesUid) + "/instances";
            break;
    }
    std::string params;
    auto param = [&](const std::string& name, const std::string& value) {
        params += (params.empty() ? "?" : "&") + name + "=" + escaped(value);
    };
    for (const auto& [t, value] : matchKeys(q)) {
        // The resource path carries the parents' UIDs already.
        if ((t == tag::StudyInstanceUid && q.level != Query::Level::Study) ||
            (t == tag::SeriesInstanceUid && q.level == Query::Level::Instance)) {
            continue;
        }
        param(keywordOf(t), value);
    }
    std::string include;
    for (std::uint32_t t : defaultReturnKeys(q.level)) {
        include += (include.empty() ? "" : ",") + keywordOf(t);
    }
    for (const std::string& field : q.includeFields) {
        include += "," + keywordOf(tagOf(field));
    }
    param("includefield", include);
    if (q.limit > 0) {
        param("limit", std::to_string(q.limit));
    }
    if (q.offset > 0) {
        param("offset", std::to_string(q.offset));
    }
    Request r;
    r.url = server_.url + path + params;
    r.accept = "application/dicom+json";
    perform(r);
    try {
        return parseDicomJson(r.body);
    } catch (const Error& e) {
        throw Error("the QIDO-RS answer of " + server_.url + path + " is not DICOM JSON (" +
                    e.what() + ")");
    }
}

std::vector<Record> DicomWebClient::metadata(const std::string& studyUid,
                                             const std::string& seriesUid) {
    Request r;
    r.url = server_.url + "/studies/" + studyUid + "/series/" + seriesUid + "/metadata";
    r.accept = "application/dicom+json";
    perform(r);
    try {
        return parseDicomJson(r.body);
    } catch (const Error& e) {
        throw Error("the metadata of series " + seriesUid + " is not DICOM JSON (" + e.what() +
                    ")");
    }
}

std::size_t DicomWebClient::retrieve(const std::string& studyUid, const std::string& seriesUid,
                                     const std::string& sopInstanceUid,
                                     const std::function<void(Bytes)>& onInstance,
                                     std::atomic<std::uint64_t>* receivedBytes) {
    Request r;
    r.url = server_.url + "/studies/" + studyUid + "/series/" + seriesUid +
            (sopInstanceUid.empty() ? "" : "/instances/" + sopInstanceUid);
    // PS3.18 8.7.3.5.2: transfer-syntax=* asks for each instance as stored.
    r.accept = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    r.multipart = true;
    r.receivedBytes = receivedBytes;
    std::size_t parts = 0;
    r.onPart = [&](MultipartParser::Part&& part) {
        ++parts;
        const auto type = part.headers.find("content-type");
        std::string media;
        if (type != part.headers.end()) {
            contentTypeParameter(type->second, "", &media);
        }
        if (type != part.headers.end() && media != "application/dicom") {
            throw Error("part " + std::to_string(parts) + " of the answer is " + type->second +
                        ", not application/dicom");
        }
        onInstance(std::make_shared<const std::vector<std::uint8_t>>(std::move(part.body)));
    };
    perform(r);
    return parts;
}

void DicomWebClient::echo() {
    Query q;
    q.limit = 1;
    query(q);
}

}  // namespace dcmlens::net

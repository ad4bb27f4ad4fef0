#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/json.hpp"
#include "net/query.hpp"
#include "net/server.hpp"

namespace dcmlens::net {

// The encoded object (Part 10 bytes) of one retrieved instance, shared so that the cache, the
// header scan and the decoder use one copy.
using Bytes = std::shared_ptr<const std::vector<std::uint8_t>>;

namespace detail {
struct HttpExchange;  // one request and its answer (dicomweb.cpp)
}

// A DICOMweb client (PS3.18) on libcurl: QIDO-RS queries, WADO-RS retrieval of a series or an
// instance as multipart/related; type="application/dicom" with transfer-syntax=* (PS3.18
// 8.7.3.5.2: the server sends each instance as stored, compressed data is not transcoded), and
// metadata. HTTP Basic or Bearer authentication, TLS with certificate and host checks always on,
// connection reuse between requests. One request at a time per client (a retrieval runs several
// clients in parallel); cancel() may come from any thread. Errors are dcmlens::Error with one
// line a user can act on ("HTTP 401 from http://h/dicom-web/studies: wrong user or password").
class DicomWebClient {
public:
    explicit DicomWebClient(Server server);
    ~DicomWebClient();
    DicomWebClient(const DicomWebClient&) = delete;
    DicomWebClient& operator=(const DicomWebClient&) = delete;

    // QIDO-RS (PS3.18 10.6): the matching studies, series or instances.
    std::vector<Record> query(const Query& query);

    // WADO-RS metadata of a series (PS3.18 10.4.1.1.2): one record per instance.
    std::vector<Record> metadata(const std::string& studyUid, const std::string& seriesUid);

    // WADO-RS of a series (`sopInstanceUid` empty) or of one instance: each part is handed to
    // `onInstance` as soon as it has arrived (the body is never held whole). Returns the number of
    // parts. `receivedBytes`, when given, counts the body's bytes as they arrive (for MB/s).
    std::size_t retrieve(const std::string& studyUid, const std::string& seriesUid,
                         const std::string& sopInstanceUid,
                         const std::function<void(Bytes)>& onInstance,
                         std::atomic<std::uint64_t>* receivedBytes = nullptr);

    // A connection test: a QIDO-RS query for one study (the service answers and accepts us).
    void echo();

    // The running request and every later one fail with "cancelled"; thread-safe.
    void cancel();
    bool cancelled() const { return cancelled_; }

    const Server& server() const { return server_; }

private:
    void perform(detail::HttpExchange& request);
    Server server_;
    void* curl_ = nullptr;  // CURL*, kept between requests for connection reuse
    std::atomic<bool> cancelled_{false};
};

}  // namespace dcmlens::net

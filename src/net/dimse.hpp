#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "net/dicomweb.hpp"
#include "net/json.hpp"
#include "net/query.hpp"
#include "net/server.hpp"

namespace dcmlens::net {

// A DIMSE client (PS3.7) on DCMTK's DcmSCU: C-ECHO, C-FIND at study, series and image level of
// the Study Root model (PS3.4 C.6.2), and retrieval of a series by C-GET (instances come back on
// the same association: the storage contexts of the series' SOP classes are offered in the SCP
// role, one per transfer syntax, native and compressed, so that the server sends each instance as
// stored) or, when the server has a store port, by C-MOVE to dcmlens' own storage SCP listening
// there (the server must know our AE title at our host and that port). TCP_NODELAY is set:
// DCMTK leaves Nagle's algorithm on, which makes transfers 15-20x slower.
//
// Rejections and aborts become one line a user can act on: "ORTHANC rejected the association:
// it does not know the called AE title WRONG", "ORTHANC aborted the association when asked for
// C-FIND: it does this when the calling AE title (VIEWER) is not one of its modalities".
// Each call opens an association and releases it.
class DimseClient {
public:
    explicit DimseClient(Server server);

    void echo();
    std::vector<Record> find(const Query& query);

    // The instances of a series (C-GET or C-MOVE, as the server is configured); each as its
    // encoded Part 10 bytes in the transfer syntax it arrived in, handed to `onInstance` as soon
    // as it has arrived. `sopInstanceUids` empty: the whole series; else only those instances.
    // Returns the number of instances received.
    std::size_t retrieve(const std::string& studyUid, const std::string& seriesUid,
                         const std::vector<std::string>& sopInstanceUids,
                         const std::function<void(Bytes)>& onInstance,
                         std::atomic<std::uint64_t>* receivedBytes = nullptr);

    void cancel() { cancelled_ = true; }
    const Server& server() const { return server_; }

private:
    Server server_;
    std::atomic<bool> cancelled_{false};
};

}  // namespace dcmlens::net

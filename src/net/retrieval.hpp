#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "model/instance.hpp"
#include "net/cache.hpp"
#include "net/json.hpp"
#include "net/server.hpp"

namespace dcmlens::net {

// Retrieves one series in the background and hands over its instances as they arrive: the
// producer behind a viewer that shows the first image before the last one has arrived. Made to
// be polled from a UI thread: no call blocks (except wait() and the destructor), take() returns
// what arrived since the last call.
//
// DICOMweb: QIDO-RS lists the instances (sorted by Instance Number); then, by default, the
// middle one (the image a viewer opens on) by an instance-level WADO-RS request and the whole
// series by one series-level request at the same time, and whatever prioritise() names next by
// a request of its own; or (Strategy::Instances) several instance-level requests in parallel
// from the middle outwards. When the server does not list instances: the series request alone.
// DIMSE: one C-GET (or C-MOVE, when the server has a store port) of the series, in the server's
// order. Either way, instances in the cache are not fetched, and a series the cache holds whole
// is opened without any request.
// Every instance is parsed (dicom::DicomFile from memory, the code that reads files) before it
// is handed over, and stored in the cache after.
class SeriesRetrieval {
public:
    // How a DICOMweb series is fetched once QIDO-RS listed its instances.
    enum class Strategy {
        // Instance-level WADO-RS requests, `parallel` at once, from the middle slice outwards
        // (or around prioritise()).
        Instances,
        // The middle slice by an instance-level request and, at the same time, the whole series
        // by one series-level request; prioritise() fetches the named instance at once by an
        // instance-level request when it has not arrived yet. Copies that arrive twice are
        // dropped. Per request a server looks the instance up again (Orthanc: 3x the CPU of one
        // series request for 300 instances, benchmarks.md): on a busy server this is faster.
        SeriesAndWanted,
    };
    struct Options {
        Strategy strategy = Strategy::SeriesAndWanted;
        unsigned parallel = 8;           // WADO-RS requests at once (Strategy::Instances)
        InstanceCache* cache = nullptr;  // none: no cache
        // Also decode the pixel data of every instance that comes over the network on the
        // retrieval's threads, while the rest is still arriving: take() then gives them with
        // their stored values (StackSession takes decoded instances), at the cost of holding
        // the decoded values besides the encoded bytes until the taker drops them. Instances
        // from the cache are files: a loader reads them as fast as any file.
        bool decode = false;
        unsigned processors = 0;  // threads that parse (and decode); 0: one per core
    };

    struct Arrived {
        // The parsed header (attributes; pixels decoded only with Options::decode): `encoded`
        // holds the bytes of an instance that came over the network; one from the cache is a
        // plain file at `path`.
        std::shared_ptr<const model::Instance> header;
        bool fromCache = false;
    };

    struct Progress {
        std::size_t arrived = 0;  // instances handed over or waiting in take()
        std::size_t failed = 0;
        std::size_t total = 0;    // instances listed; 0 until the list is known
        std::uint64_t bytes = 0;  // received from the network
        double seconds = 0;       // since the start (frozen once finished)
        double firstArrivalSeconds = -1;
        bool listed = false;
        bool finished = false;  // nothing more will arrive
        bool cancelled = false;
        bool fromCacheOnly = false;  // the whole series came from the cache: no request made
        double megabytesPerSecond() const { return seconds > 0 ? bytes / 1e6 / seconds : 0; }
    };

    SeriesRetrieval(SeriesLocation location, Options options);
    explicit SeriesRetrieval(SeriesLocation location) : SeriesRetrieval(std::move(location), {}) {}
    ~SeriesRetrieval();  // cancels and joins
    SeriesRetrieval(const SeriesRetrieval&) = delete;
    SeriesRetrieval& operator=(const SeriesRetrieval&) = delete;

    std::vector<Arrived> take();
    std::vector<std::string> takeErrors();  // one line each: "SOURCE: reason"
    Progress progress() const;
    // The instance list (QIDO-RS or C-FIND records, in retrieval index order); empty until known.
    std::vector<Record> instances() const;

    // Fetch this instance (an index into instances()) next and then those nearest it.
    void prioritise(std::size_t index);
    void cancel();
    // Blocks until something arrived, failed or finished, or `timeout` passed (for the CLI).
    void wait(std::chrono::milliseconds timeout);

    const SeriesLocation& location() const { return location_; }
    // SERVER/studies/ST/series/SE/instances/SOP: what names an instance that came over the
    // network (its header's path) in messages and outputs.
    std::string resourceName(const std::string& sopInstanceUid) const {
        return sourceName(sopInstanceUid);
    }

private:
    // An arrived instance to parse (and decode): its bytes, or a cached file.
    struct Job {
        std::string source;
        std::shared_ptr<const std::vector<std::uint8_t>> bytes;
        std::string file;
        bool quiet = false;  // a wanted instance's copy: the series request reports its trouble
    };
    void run();
    void runDicomWeb();
    void runDimse();
    bool fromCache();
    void deliver(const std::string& source, std::shared_ptr<const std::vector<std::uint8_t>> bytes,
                 bool quiet = false);
    void deliverCached(const std::string& file);
    void process();
    bool duplicateCheck(const std::string& sop);  // true the first time a SOP arrives
    void seriesAndWanted();
    void fail(const std::string& message);
    std::string sourceName(const std::string& sop) const;

    SeriesLocation location_;
    Options options_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::condition_variable jobsChanged_;
    std::deque<Job> jobs_;        // in arrival order
    bool producing_ = true;       // false: no more jobs will come
    std::size_t processing_ = 0;  // jobs being worked on
    std::vector<Arrived> ready_;
    std::vector<std::string> errors_;
    std::vector<Record> list_;
    std::vector<std::string> delivered_;  // SOP Instance UIDs, for the cache's series list
    std::vector<char> claimed_;
    std::deque<std::size_t> wanted_;     // SeriesAndWanted: instances to fetch by themselves
    std::set<std::string> arrivedSops_;  // copies that arrive twice are dropped
    std::size_t focus_ = 0;
    Progress progress_;
    std::atomic<std::uint64_t> bytes_{0};
    std::atomic<bool> cancelled_{false};
    std::chrono::steady_clock::time_point start_;
    // The running clients' cancel(), each removed by its client's owner before the client goes.
    using CancelHooks = std::list<std::function<void()>>;
    CancelHooks cancelHooks_;
    class HookGuard;
    std::vector<std::thread> processors_;
    std::thread thread_;
};

}  // namespace dcmlens::net

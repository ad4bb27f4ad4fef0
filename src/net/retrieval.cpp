#include "net/retrieval.hpp"

#include <algorithm>
#include <map>

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "net/dicomweb.hpp"
#include "net/dimse.hpp"
#include "net/query.hpp"

namespace dcmlens::net {

namespace {

int instanceNumber(const Record& r) {
    const std::string n = r.first(tag::InstanceNumber);
    try {
        return n.empty() ? 0 : std::stoi(n);
    } catch (...) {
        return 0;
    }
}

}  // namespace

// Registers a client's cancel() for as long as the client lives (a cancel while it runs reaches
// it; one before it started cancels it at once).
class SeriesRetrieval::HookGuard {
public:
    template <class Client>
    HookGuard(SeriesRetrieval& owner, Client& client) : owner_(owner) {
        std::lock_guard<std::mutex> lock(owner_.mutex_);
        it_ = owner_.cancelHooks_.insert(owner_.cancelHooks_.end(), [&client] { client.cancel(); });
        if (owner_.cancelled_) {
            client.cancel();
        }
    }
    ~HookGuard() {
        std::lock_guard<std::mutex> lock(owner_.mutex_);
        owner_.cancelHooks_.erase(it_);
    }
    HookGuard(const HookGuard&) = delete;
    HookGuard& operator=(const HookGuard&) = delete;

private:
    SeriesRetrieval& owner_;
    CancelHooks::iterator it_;
};

SeriesRetrieval::SeriesRetrieval(SeriesLocation location, Options options)
    : location_(std::move(location)), options_(options), start_(std::chrono::steady_clock::now()) {
    options_.parallel = std::max(1u, options_.parallel);
    thread_ = std::thread([this] { run(); });
}

SeriesRetrieval::~SeriesRetrieval() {
    cancel();
    thread_.join();
}

std::string SeriesRetrieval::sourceName(const std::string& sop) const {
    return location_.server.describe() + "/studies/" + location_.studyUid + "/series/" +
           location_.seriesUid + (sop.empty() ? "" : "/instances/" + sop);
}

void SeriesRetrieval::fail(const std::string& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    errors_.push_back(message);
    progress_.failed += 1;
    changed_.notify_all();
}

// Parses an instance (the code that reads files, from memory) and hands it over; then keeps it.
void SeriesRetrieval::deliver(const std::string& source,
                              std::shared_ptr<const std::vector<std::uint8_t>> bytes,
                              std::size_t index) {
    std::shared_ptr<const model::Instance> header;
    try {
        dicom::DicomFile file(bytes, source);
        if (!file.hasImage()) {
            throw Error("no pixel data (7FE0,0010): not an image");
        }
        model::Instance instance = file.release();
        // Named by its resource, whatever request brought it (a series' part, a C-STORE).
        instance.path = sourceName(instance.sopInstanceUid);
        header = std::make_shared<const model::Instance>(std::move(instance));
    } catch (const Error& e) {
        fail(source + ": " + e.what());
        return;
    }
    const std::string sop = header->sopInstanceUid;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (progress_.firstArrivalSeconds < 0) {
            progress_.firstArrivalSeconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        }
        ready_.push_back({header, false});
        delivered_.push_back(sop);
        progress_.arrived += 1;
        (void)index;
        changed_.notify_all();
    }
    if (options_.cache) {
        options_.cache->store(sop, *bytes);
    }
}

bool SeriesRetrieval::fromCache() {
    if (!options_.cache) {
        return false;
    }
    const auto files = options_.cache->findSeries(location_.seriesUid);
    if (!files) {
        return false;
    }
    std::vector<Arrived> arrived;
    for (const auto& path : *files) {
        try {
            dicom::DicomFile file(path.string());
            if (!file.hasImage() || file.instance().seriesInstanceUid != location_.seriesUid) {
                return false;  // not what the list says: retrieve again
            }
            arrived.push_back({std::make_shared<const model::Instance>(file.release()), true});
        } catch (const Error&) {
            return false;  // damaged: retrieve again
        }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    progress_.total = arrived.size();
    progress_.listed = true;
    progress_.arrived = arrived.size();
    progress_.fromCacheOnly = true;
    progress_.firstArrivalSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    for (auto& a : arrived) {
        ready_.push_back(std::move(a));
    }
    changed_.notify_all();
    return true;
}

void SeriesRetrieval::run() {
    try {
        if (!fromCache()) {
            if (location_.server.kind == Server::Kind::DicomWeb) {
                runDicomWeb();
            } else {
                runDimse();
            }
            std::lock_guard<std::mutex> lock(mutex_);
            if (options_.cache && !cancelled_ && progress_.failed == 0 && !delivered_.empty()) {
                options_.cache->storeSeries(location_.seriesUid, delivered_);
            }
        }
    } catch (const Error& e) {
        if (!cancelled_) {
            fail(sourceName("") + ": " + e.what());
        }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    progress_.finished = true;
    progress_.cancelled = cancelled_;
    progress_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    changed_.notify_all();
}

void SeriesRetrieval::runDicomWeb() {
    const Server& server = location_.server;
    std::vector<Record> list;
    {
        DicomWebClient lister(server);
        const HookGuard hook(*this, lister);
        Query q;
        q.level = Query::Level::Instance;
        q.studyUid = location_.studyUid;
        q.seriesUid = location_.seriesUid;
        try {
            list = lister.query(q);
        } catch (const Error&) {
            if (cancelled_) {
                throw;
            }
            // The series request below says what is wrong, if anything is.
        }
        if (list.empty()) {
            // No instance list: the series in one request (its parts in the server's order).
            std::size_t index = 0;
            lister.retrieve(
                location_.studyUid, location_.seriesUid, "",
                [&](Bytes b) {
                    deliver(sourceName("") + " part " + std::to_string(++index), b, 0);
                },
                &bytes_);
            std::lock_guard<std::mutex> lock(mutex_);
            progress_.listed = true;
            progress_.total = progress_.arrived + progress_.failed;
            return;
        }
    }
    std::stable_sort(list.begin(), list.end(), [](const Record& a, const Record& b) {
        return instanceNumber(a) < instanceNumber(b);
    });
    std::vector<std::size_t> fetch;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        list_ = list;
        claimed_.assign(list.size(), 0);
        focus_ = list.size() / 2;  // the middle slice: the one a viewer opens on
        progress_.total = list.size();
        progress_.listed = true;
        changed_.notify_all();
    }
    // Cached instances first: no request for them.
    if (options_.cache) {
        for (std::size_t i = 0; i < list.size(); ++i) {
            const auto path = options_.cache->find(list[i].first(tag::SopInstanceUid));
            if (!path) {
                continue;
            }
            try {
                dicom::DicomFile file(path->string());
                auto header = std::make_shared<const model::Instance>(file.release());
                std::lock_guard<std::mutex> lock(mutex_);
                claimed_[i] = 1;
                ready_.push_back({header, true});
                delivered_.push_back(header->sopInstanceUid);
                progress_.arrived += 1;
                if (progress_.firstArrivalSeconds < 0) {
                    progress_.firstArrivalSeconds =
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
                            .count();
                }
            } catch (const Error&) {
                // damaged: fetched again below
            }
        }
    }
    auto work = [&] {
        DicomWebClient client(server);
        const HookGuard hook(*this, client);
        for (;;) {
            std::size_t index = list.size();
            {
                std::lock_guard<std::mutex> lock(mutex_);
                std::size_t best = list.size();
                std::size_t distance = list.size() + 1;
                for (std::size_t i = 0; i < list.size(); ++i) {
                    const std::size_t d = i > focus_ ? i - focus_ : focus_ - i;
                    if (!claimed_[i] && d < distance) {
                        best = i;
                        distance = d;
                    }
                }
                if (best == list.size() || cancelled_) {
                    return;
                }
                claimed_[best] = 1;
                index = best;
            }
            const std::string sop = list[index].first(tag::SopInstanceUid);
            const std::string source = sourceName(sop);
            try {
                const std::size_t parts = client.retrieve(
                    location_.studyUid, location_.seriesUid, sop,
                    [&](Bytes b) { deliver(source, b, index); }, &bytes_);
                if (parts == 0) {
                    fail(source + ": the server sent no instance");
                }
            } catch (const Error& e) {
                if (cancelled_) {
                    return;
                }
                fail(source + ": " + e.what());
            }
        }
    };
    auto worker = [&] {
        try {
            work();
        } catch (const std::exception& e) {  // a thread must not end in an exception
            fail(sourceName("") + ": " + e.what());
        }
    };
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < options_.parallel; ++i) {
        pool.emplace_back(worker);
    }
    worker();
    for (std::thread& t : pool) {
        t.join();
    }
}

void SeriesRetrieval::runDimse() {
    DimseClient client(location_.server);
    const HookGuard hook(*this, client);
    Query q;
    q.level = Query::Level::Instance;
    q.studyUid = location_.studyUid;
    q.seriesUid = location_.seriesUid;
    std::vector<Record> list = client.find(q);
    std::stable_sort(list.begin(), list.end(), [](const Record& a, const Record& b) {
        return instanceNumber(a) < instanceNumber(b);
    });
    if (list.empty()) {
        throw Error("the server lists no instances in this series");
    }
    std::vector<std::string> missing;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        list_ = list;
        progress_.total = list.size();
        progress_.listed = true;
        changed_.notify_all();
    }
    for (const Record& r : list) {
        const std::string sop = r.first(tag::SopInstanceUid);
        const auto path = options_.cache ? options_.cache->find(sop) : std::nullopt;
        bool cached = false;
        if (path) {
            try {
                dicom::DicomFile file(path->string());
                auto header = std::make_shared<const model::Instance>(file.release());
                std::lock_guard<std::mutex> lock(mutex_);
                ready_.push_back({header, true});
                delivered_.push_back(sop);
                progress_.arrived += 1;
                cached = true;
            } catch (const Error&) {
            }
        }
        if (!cached) {
            missing.push_back(sop);
        }
    }
    if (missing.empty()) {
        return;
    }
    std::size_t index = 0;
    // The whole series when nothing is cached (one SERIES-level request), else the missing ones.
    const bool all = missing.size() == list.size();
    client.retrieve(
        location_.studyUid, location_.seriesUid, all ? std::vector<std::string>() : missing,
        [&](Bytes b) { deliver(sourceName("") + " instance " + std::to_string(++index), b, 0); },
        &bytes_);
}

std::vector<SeriesRetrieval::Arrived> SeriesRetrieval::take() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Arrived> out;
    out.swap(ready_);
    return out;
}

std::vector<std::string> SeriesRetrieval::takeErrors() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    out.swap(errors_);
    return out;
}

SeriesRetrieval::Progress SeriesRetrieval::progress() const {
    std::lock_guard<std::mutex> lock(mutex_);
    Progress p = progress_;
    p.bytes = bytes_;
    p.cancelled = cancelled_;
    if (!p.finished) {
        p.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }
    return p;
}

std::vector<Record> SeriesRetrieval::instances() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return list_;
}

void SeriesRetrieval::prioritise(std::size_t index) {
    std::lock_guard<std::mutex> lock(mutex_);
    focus_ = index;
}

void SeriesRetrieval::cancel() {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    for (auto& hook : cancelHooks_) {
        hook();
    }
    changed_.notify_all();
}

void SeriesRetrieval::wait(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, timeout,
                      [&] { return !ready_.empty() || !errors_.empty() || progress_.finished; });
}

}  // namespace dcmlens::net

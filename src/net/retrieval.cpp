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
    const unsigned processors = options_.processors > 0
                                    ? options_.processors
                                    : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < processors; ++i) {
        processors_.emplace_back([this] { process(); });
    }
    thread_ = std::thread([this] { run(); });
}

SeriesRetrieval::~SeriesRetrieval() {
    cancel();
    thread_.join();  // it ends the processors
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

void SeriesRetrieval::deliver(const std::string& source,
                              std::shared_ptr<const std::vector<std::uint8_t>> bytes, bool quiet) {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back({source, std::move(bytes), "", quiet});
    jobsChanged_.notify_all();  // the picker waits on it too
}

void SeriesRetrieval::deliverCached(const std::string& file) {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back({file, nullptr, file});
    jobsChanged_.notify_all();
}

// The processors: each arrived instance is parsed (the code that reads files; from memory for
// the network's bytes), decoded when asked, handed over, then kept in the cache. The network
// threads only receive. In arrival order: the network threads fetch the wanted ones first.
bool SeriesRetrieval::duplicateCheck(const std::string& sop) {
    std::lock_guard<std::mutex> lock(mutex_);
    return arrivedSops_.insert(sop).second;
}

void SeriesRetrieval::process() {
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            jobsChanged_.wait(lock, [&] { return !jobs_.empty() || !producing_ || cancelled_; });
            if (cancelled_ || (jobs_.empty() && !producing_)) {
                return;
            }
            job = std::move(jobs_.front());
            jobs_.pop_front();
            ++processing_;
        }
        std::shared_ptr<const model::Instance> header;
        std::string error;
        try {
            std::unique_ptr<dicom::DicomFile> file =
                job.bytes ? std::make_unique<dicom::DicomFile>(job.bytes, job.source)
                          : std::make_unique<dicom::DicomFile>(job.file);
            if (!file->hasImage()) {
                throw Error("no pixel data (7FE0,0010): not an image");
            }
            // A cached file is left to the loader, which reads native frames straight into
            // place (dicom::readNativeFrames); bytes from the network are decoded here.
            if (options_.decode && job.bytes) {
                file->decodeAllFrames();
            }
            if (!duplicateCheck(file->instance().sopInstanceUid)) {
                std::lock_guard<std::mutex> lock(mutex_);
                --processing_;
                jobsChanged_.notify_all();
                continue;  // arrived twice (the wanted request and the series request)
            }
            model::Instance instance = file->release();
            if (job.bytes) {
                // Named by its resource, whatever request brought it (a series' part, a C-STORE).
                instance.path = sourceName(instance.sopInstanceUid);
            }
            header = std::make_shared<const model::Instance>(std::move(instance));
        } catch (const Error& e) {
            error = job.source + ": " + e.what();
        } catch (const std::bad_alloc&) {
            error = job.source + ": out of memory";
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            --processing_;
            if (header) {
                if (progress_.firstArrivalSeconds < 0) {
                    progress_.firstArrivalSeconds =
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
                            .count();
                }
                ready_.push_back({header, !job.bytes});
                delivered_.push_back(header->sopInstanceUid);
                progress_.arrived += 1;
            } else if (!job.quiet) {
                errors_.push_back(error);
                progress_.failed += 1;
            }
            changed_.notify_all();
            jobsChanged_.notify_all();
        }
        if (header && job.bytes && options_.cache) {
            options_.cache->store(header->sopInstanceUid, *job.bytes);
        }
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
    {
        std::lock_guard<std::mutex> lock(mutex_);
        progress_.total = files->size();
        progress_.listed = true;
        progress_.fromCacheOnly = true;
    }
    for (const auto& file : *files) {
        deliverCached(file.string());
    }
    return true;
}

void SeriesRetrieval::run() {
    bool cached = false;
    try {
        cached = fromCache();
        if (!cached) {
            if (location_.server.kind == Server::Kind::DicomWeb) {
                runDicomWeb();
            } else {
                runDimse();
            }
        }
    } catch (const Error& e) {
        if (!cancelled_) {
            fail(sourceName("") + ": " + e.what());
        }
    }
    {
        std::unique_lock<std::mutex> lock(mutex_);
        producing_ = false;
        jobsChanged_.notify_all();
    }
    for (std::thread& t : processors_) {
        t.join();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (!progress_.listed || progress_.total < progress_.arrived + progress_.failed) {
        progress_.total = progress_.arrived + progress_.failed;  // no list: what came
        progress_.listed = true;
    }
    if (!cached && options_.cache && !cancelled_ && progress_.failed == 0 && !delivered_.empty()) {
        options_.cache->storeSeries(location_.seriesUid, delivered_);
    }
    progress_.finished = true;
    progress_.cancelled = cancelled_;
    progress_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    changed_.notify_all();
}

void SeriesRetrieval::runDicomWeb() {
    if (options_.strategy == Strategy::SeriesAndWanted) {
        seriesAndWanted();
        return;
    }
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
                [&](Bytes b) { deliver(sourceName("") + " part " + std::to_string(++index), b); },
                &bytes_);
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
            if (const auto path = options_.cache->find(list[i].first(tag::SopInstanceUid))) {
                std::lock_guard<std::mutex> lock(mutex_);
                claimed_[i] = 1;
                jobs_.push_back({path->string(), nullptr, path->string()});
                jobsChanged_.notify_all();
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
                    [&](Bytes b) { deliver(source, b); }, &bytes_);
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

// The series request starts at once; the instance list comes meanwhile (QIDO-RS costs the
// server a lookup of every instance), then the middle instance and whatever prioritise() names
// are fetched by themselves unless they have arrived.
void SeriesRetrieval::seriesAndWanted() {
    const Server& server = location_.server;
    bool seriesDone = false;
    std::vector<Record> list;
    std::thread picker([&] {
        try {
            DicomWebClient client(server);
            const HookGuard hook(*this, client);
            Query q;
            q.level = Query::Level::Instance;
            q.studyUid = location_.studyUid;
            q.seriesUid = location_.seriesUid;
            try {
                list = client.query(q);
            } catch (const Error&) {
                return;  // no list: the series request brings everything, or says what is wrong
            }
            std::stable_sort(list.begin(), list.end(), [](const Record& a, const Record& b) {
                return instanceNumber(a) < instanceNumber(b);
            });
            {
                std::lock_guard<std::mutex> lock(mutex_);
                list_ = list;
                claimed_.assign(list.size(), 0);
                focus_ = list.size() / 2;  // the middle slice: the one a viewer opens on
                wanted_.push_front(focus_);
                progress_.total = list.size();
                progress_.listed = !list.empty();
                changed_.notify_all();
            }
            for (;;) {
                std::size_t index = 0;
                {
                    std::unique_lock<std::mutex> lock(mutex_);
                    jobsChanged_.wait(lock,
                                      [&] { return !wanted_.empty() || seriesDone || cancelled_; });
                    if (seriesDone || cancelled_) {
                        return;
                    }
                    index = wanted_.front();
                    wanted_.pop_front();
                    const std::string sop =
                        index < list.size() ? list[index].first(tag::SopInstanceUid) : "";
                    if (sop.empty() || claimed_[index] || arrivedSops_.count(sop)) {
                        continue;
                    }
                    claimed_[index] = 1;
                }
                const std::string sop = list[index].first(tag::SopInstanceUid);
                // From the cache when it is there, else by a request of its own.
                if (const auto path = options_.cache ? options_.cache->find(sop) : std::nullopt) {
                    deliverCached(path->string());
                    continue;
                }
                try {
                    client.retrieve(
                        location_.studyUid, location_.seriesUid, sop,
                        [&](Bytes b) { deliver(sourceName(sop), b, true); }, &bytes_);
                } catch (const Error&) {
                    // The series request brings it anyway, or says what is wrong.
                }
            }
        } catch (const std::exception& e) {  // a thread must not end in an exception
            fail(sourceName("") + ": " + e.what());
        }
    });
    try {
        DicomWebClient client(server);
        const HookGuard hook(*this, client);
        std::size_t part = 0;
        client.retrieve(
            location_.studyUid, location_.seriesUid, "",
            [&](Bytes b) { deliver(sourceName("") + " part " + std::to_string(++part), b); },
            &bytes_);
    } catch (const Error& e) {
        if (!cancelled_) {
            fail(sourceName("") + ": " + e.what());
        }
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        seriesDone = true;
        jobsChanged_.notify_all();
    }
    picker.join();
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
        if (const auto path = options_.cache ? options_.cache->find(sop) : std::nullopt) {
            deliverCached(path->string());
        } else {
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
        [&](Bytes b) { deliver(sourceName("") + " instance " + std::to_string(++index), b); },
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
    if (options_.strategy == Strategy::SeriesAndWanted) {
        wanted_.push_front(index);
        jobsChanged_.notify_all();
    }
}

void SeriesRetrieval::cancel() {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    for (auto& hook : cancelHooks_) {
        hook();
    }
    changed_.notify_all();
    jobsChanged_.notify_all();
}

void SeriesRetrieval::wait(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, timeout,
                      [&] { return !ready_.empty() || !errors_.empty() || progress_.finished; });
}

}  // namespace dcmlens::net

#include "series/stack_loader.hpp"

#include <algorithm>
#include <chrono>
#include <tuple>

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"

namespace dcmlens::series {

namespace {

// Destinations are fresh anonymous memory: left to themselves, its pages fault in one at a time
// inside read(), about half of a worker's time. One MADV_POPULATE_WRITE (Linux 5.14) maps them
// in a batch, ~15 % faster per file; older kernels refuse it and nothing changes. Pages shared
// with a neighbouring layer keep their contents (populating writes nothing).
void prefault(model::PixelBuffer& destination) {
#ifdef MADV_POPULATE_WRITE
    if (destination.empty()) {
        return;
    }
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<std::uintptr_t>(destination.frameBytes(0));
    const std::uintptr_t first = begin & ~(page - 1);
    const std::uintptr_t end = begin + destination.byteCount();
    madvise(reinterpret_cast<void*>(first), end - first, MADV_POPULATE_WRITE);
#else
    (void)destination;
#endif
}

}  // namespace

StackLoader::StackLoader(std::vector<std::shared_ptr<const model::Instance>> headers,
                         std::size_t focus, unsigned threads,
                         std::vector<model::PixelBuffer> destinations, std::vector<char> wanted)
    : headers_(std::move(headers)),
      state_(headers_.size(), State::Waiting),
      destinations_(std::move(destinations)),
      focus_{focus},
      firstFocus_(focus),
      start_(std::chrono::steady_clock::now()) {
    for (std::size_t i = 0; i < wanted.size() && i < state_.size(); ++i) {
        if (!wanted[i]) {
            state_[i] = State::NotWanted;
        }
    }
    const unsigned n = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < std::min<std::size_t>(n, std::max<std::size_t>(1, headers_.size()));
         ++i) {
        workers_.emplace_back([this] { work(); });
    }
}

StackLoader::~StackLoader() {
    cancelled_ = true;
    taken_.notify_all();
    work_.notify_all();
    for (std::thread& t : workers_) {
        t.join();
    }
}

void StackLoader::work() {
    // Decoding yields to the thread that draws (the UI, or the GL uploads): on a 2-core machine
    // the first image would otherwise wait behind the whole series.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);
    constexpr std::uint64_t kMaxReadyBytes = 16ull << 20;
    while (!cancelled_) {
        std::size_t index = headers_.size();
        {
            std::unique_lock<std::mutex> lock(mutex_);
            taken_.wait_for(lock, std::chrono::milliseconds(50),
                            [&] { return readyBytes_ < kMaxReadyBytes || cancelled_; });
            if (readyBytes_ >= kMaxReadyBytes) {
                continue;  // the owner has not taken what is ready yet
            }
            // The waiting instance nearest to a focus; ties to the earlier focus, then to the
            // later instance (scrolling on).
            std::size_t best = headers_.size();
            std::tuple<std::size_t, std::size_t, int> bestKey{headers_.size() + 1, 0, 0};
            for (std::size_t i = 0; i < headers_.size(); ++i) {
                if (state_[i] != State::Waiting) {
                    continue;
                }
                std::tuple<std::size_t, std::size_t, int> key{i, 0, 0};  // no focus: in order
                for (std::size_t k = 0; k < focus_.size(); ++k) {
                    const std::size_t f = focus_[k];
                    const std::tuple<std::size_t, std::size_t, int> candidate{i > f ? i - f : f - i,
                                                                              k, i >= f ? 0 : 1};
                    if (k == 0 || candidate < key) {
                        key = candidate;
                    }
                }
                if (key < bestKey) {
                    bestKey = key;
                    best = i;
                }
            }
            if (best == headers_.size()) {
                // Nothing to claim: wait for the owner to want more (or to cancel).
                work_.wait_for(lock, std::chrono::milliseconds(200));
                continue;
            }
            state_[best] = State::InFlight;
            index = best;
        }
        const std::string& path = headers_[index]->path;
        model::PixelBuffer destination;
        {
            std::lock_guard<std::mutex> lock(mutex_);  // setWanted may queue it again later
            if (index < destinations_.size()) {
                destination = std::move(destinations_[index]);
                destinations_[index] = model::PixelBuffer();
            }
        }
        prefault(destination);
        std::shared_ptr<const model::Instance> decoded;
        std::string error;
        try {
            if (!headers_[index]->stored.empty()) {
                // Decoded already (the demo, or a retrieval that decodes as instances arrive):
                // only its statistics are left to compute here; the owner copies it into place.
                decoded = headers_[index];
            } else if (auto stored = dicom::readNativeFrames(*headers_[index], destination)) {
                // Native data at a known place is read without parsing the file a second time.
                auto in = std::make_shared<model::Instance>(*headers_[index]);
                in->stored = std::move(*stored);
                in->decodedPhotometric = in->pixel.photometric;
                decoded = std::move(in);
            } else {
                // From the file, or from the bytes of an instance that lives in memory.
                const std::unique_ptr<dicom::DicomFile> file =
                    dicom::openInstance(*headers_[index]);
                file->decodeAllFrames(std::move(destination));
                decoded = std::make_shared<const model::Instance>(file->release());
            }
        } catch (const Error& e) {
            error = path + ": " + e.what();
        } catch (const std::bad_alloc&) {
            error = path + ": out of memory";
        }
        std::vector<FrameStats> stats;
        if (decoded) {
            stats = statsOf(*decoded, false);
        }
        const bool presets = decoded && index == firstFocus_;
        std::shared_ptr<const model::Instance> keep = presets ? decoded : nullptr;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (state_[index] == State::InFlight) {
                state_[index] = State::Done;
            }
            if (decoded) {
                bytes_ += decoded->stored.byteCount();
                if (!decoded->stored.isView()) {
                    readyBytes_ += decoded->stored.byteCount();
                }
                ready_.push_back({index, std::move(decoded), std::move(stats)});
            } else {
                errors_.push_back(error);
                failures_.push_back(index);
            }
            if (finishedSeconds_ < 0 && std::none_of(state_.begin(), state_.end(), [](State st) {
                    return st == State::Waiting || st == State::InFlight;
                })) {
                finishedSeconds_ =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
                        .count();
            }
        }
        if (presets) {  // the first image is on its way to the screen: now its 1-99 % window
            std::vector<FrameStats> full = statsOf(*keep, true);
            std::lock_guard<std::mutex> lock(mutex_);
            late_.push_back({index, std::move(full)});
        }
    }
}

std::vector<StackLoader::FrameStats> StackLoader::statsOf(const model::Instance& in,
                                                          bool withPercentile) {
    std::vector<FrameStats> stats(static_cast<std::size_t>(in.stored.frames()));
    if (in.stored.samples() != 1) {
        return stats;
    }
    for (int f = 0; f < in.stored.frames(); ++f) {
        const pixel::ModalityTransform modality(in.modalityFor(f), in.pixel);
        FrameStats& s = stats[static_cast<std::size_t>(f)];
        const pixel::FrameStatistics fs =
            pixel::frameStatistics(in.stored, f, modality, in.padding, 1, 99, withPercentile);
        s.range = fs.range.value_or(pixel::ValueRange{0, 1});
        s.percentile = fs.percentile;
    }
    return stats;
}

std::vector<StackLoader::Ready> StackLoader::takeReady() {
    std::vector<Ready> out;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        out.swap(ready_);
        readyBytes_ = 0;
    }
    taken_.notify_all();
    return out;
}

std::vector<StackLoader::LateStats> StackLoader::takeLateStats() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<LateStats> out;
    out.swap(late_);
    return out;
}

std::vector<std::string> StackLoader::takeErrors() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    out.swap(errors_);
    return out;
}

std::vector<std::size_t> StackLoader::takeFailures() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::size_t> out;
    out.swap(failures_);
    return out;
}

void StackLoader::focus(std::vector<std::size_t> indices) {
    std::lock_guard<std::mutex> lock(mutex_);
    focus_ = std::move(indices);
}

void StackLoader::setWanted(const std::vector<char>& wanted) {
    bool more = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (std::size_t i = 0; i < state_.size(); ++i) {
            const bool want = i < wanted.size() && wanted[i];
            if (want && (state_[i] == State::Done || state_[i] == State::NotWanted)) {
                state_[i] = State::Waiting;
                more = true;
            } else if (!want && (state_[i] == State::Waiting || state_[i] == State::Done)) {
                state_[i] = State::NotWanted;
            }
        }
        if (more) {
            finishedSeconds_ = -1;
        }
    }
    work_.notify_all();
}

void StackLoader::cancel() {
    cancelled_ = true;
    work_.notify_all();
}

StackLoader::Progress StackLoader::progress() const {
    std::lock_guard<std::mutex> lock(mutex_);
    Progress p;
    for (State st : state_) {
        p.done += st == State::Done ? 1 : 0;
        p.total += st != State::NotWanted ? 1 : 0;
    }
    p.bytes = bytes_;
    p.cancelled = cancelled_;
    p.seconds =
        finishedSeconds_ >= 0
            ? finishedSeconds_
            : std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return p;
}

}  // namespace dcmlens::series

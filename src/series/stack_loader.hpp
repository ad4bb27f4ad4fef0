#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pixel/auto_window.hpp"
#include "series/series_builder.hpp"

namespace dcmlens::series {

// Decodes the instances of a stack on worker threads (every core), nearest to the focus first
// (the slices the user looks at: one per viewport showing the stack), and hands finished
// instances to the owner, which polls takeReady() from its own thread (the GL thread uploads
// them). Never blocks the caller. The owner may change which instances it wants (a resident
// window sliding over a series larger than memory): instances it wants again are decoded again.
// Instances whose header already holds decoded values (the demo) are handed over as they are.
class StackLoader {
public:
    struct Progress {
        std::size_t done = 0;  // instances decoded or failed
        std::size_t total = 0;
        std::uint64_t bytes = 0;  // stored-value bytes decoded
        double seconds = 0;
        bool cancelled = false;
        bool finished() const { return done == total; }
    };
    // What the viewer needs of a frame's values once they live on the GPU only: the modality
    // range (padding excluded) for window drags and min-max, and the 1-99 % window.
    struct FrameStats {
        pixel::ValueRange range{0, 1};
        std::optional<model::Window> percentile;
    };
    struct Ready {
        std::size_t index;                                // into the stack's instances
        std::shared_ptr<const model::Instance> instance;  // with every frame decoded
        std::vector<FrameStats> stats;                    // one per frame
    };
    // The statistics of the first image shown, completed with its 1-99 % window after it was
    // handed over (the histogram would delay the first image: ~10 ms for 4096x5120).
    struct LateStats {
        std::size_t index;
        std::vector<FrameStats> stats;
    };
    // Computes a decoded instance's frame statistics (also for instances decoded elsewhere).
    // The 1-99 % window only when asked (it needs a histogram).
    static std::vector<FrameStats> statsOf(const model::Instance& instance,
                                           bool withPercentile = true);

    // `destinations`, when given, has one entry per header: memory (a PixelBuffer view, e.g. of
    // the layers a software GPU driver samples in place) to decode that instance's frames into, or
    // an empty buffer for memory of its own; used once (an instance decoded again gets memory of
    // its own). `wanted`, when given, says which instances to decode (default: all).
    StackLoader(std::vector<std::shared_ptr<const model::Instance>> headers, std::size_t focus,
                unsigned threads = 0, std::vector<model::PixelBuffer> destinations = {},
                std::vector<char> wanted = {});
    ~StackLoader();  // cancels and joins
    StackLoader(const StackLoader&) = delete;
    StackLoader& operator=(const StackLoader&) = delete;

    std::vector<Ready> takeReady();
    std::vector<LateStats> takeLateStats();
    std::vector<std::string> takeErrors();    // "FILE: reason"
    std::vector<std::size_t> takeFailures();  // the indices of those files, in the same order
    // Decoding order: nearest to any of the focused instances first, ties to the first focus
    // (the viewport the user acts on), then to the later instance (scrolling on).
    void focus(std::size_t index) { focus(std::vector<std::size_t>{index}); }
    void focus(std::vector<std::size_t> indices);
    // Which instances the owner wants (one flag per header): wanted ones not decoded yet are
    // queued, including ones decoded before (their values were dropped); unwanted ones that wait
    // are dropped from the queue. Instances being decoded finish either way.
    void setWanted(const std::vector<char>& wanted);
    void cancel();
    // Over the wanted instances: decoded or failed, of all wanted.
    Progress progress() const;

private:
    enum class State : char { Waiting, InFlight, Done, NotWanted };
    void work();
    std::vector<std::shared_ptr<const model::Instance>> headers_;
    std::vector<State> state_;
    std::vector<model::PixelBuffer> destinations_;  // each moved out by the worker that claims it
    mutable std::mutex mutex_;
    std::condition_variable work_;  // something to claim, or cancelled
    std::vector<std::size_t> focus_;
    std::size_t firstFocus_ = 0;
    std::uint64_t bytes_ = 0;
    std::vector<Ready> ready_;
    std::uint64_t readyBytes_ = 0;  // decoded into memory of their own but not yet taken: bounded,
                                    // so memory stays near one copy of the pixels (the owner
                                    // uploads and drops them)
    std::condition_variable taken_;
    std::vector<LateStats> late_;
    std::vector<std::string> errors_;
    std::vector<std::size_t> failures_;
    std::atomic<bool> cancelled_{false};
    std::chrono::steady_clock::time_point start_;
    double finishedSeconds_ = -1;
    std::vector<std::thread> workers_;
};

}  // namespace dcmlens::series

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pixel/render.hpp"
#include "render/renderer.hpp"
#include "series/series_builder.hpp"
#include "series/stack_loader.hpp"

namespace dcmlens::session {

// Limits on what a stack may hold: the host keeps the stored values (for the pixel probe and
// automatic windows), the GPU one layer per image.
struct MemoryBudget {
    std::uint64_t hostBytes = 0;  // defaultBudget(): model::memoryBudget()
    std::uint64_t gpuBytes = 0;   // 0: same as the host budget
};
MemoryBudget defaultBudget();

// A stack being viewed: headers in display order, a StackLoader decoding on worker threads
// (nearest to the shown image first), and one GPU array texture, preallocated, filled in bounded
// chunks by pump() from the GL thread. When the series does not fit the budget, a window of
// images around the focus is resident and `windowed()` says so.
class StackSession {
public:
    StackSession(render::Renderer& renderer, series::SeriesStack stack, int focusFrame = 0,
                 MemoryBudget budget = defaultBudget());

    // Draws a resident frame into the bound framebuffer (width x height) through the display
    // pipeline `options` describes. Throws dcmlens::Error when the frame is not resident.
    void draw(int frame, const pixel::DisplayOptions& options, const pixel::ViewMapping& view,
              bool linear, int width, int height);

    // Makes decoded images resident, uploading at most `maxBytes` (at least one image) per call;
    // images decoded straight into shared-memory layers cost no upload. Returns how many images
    // became resident (0: nothing changed).
    int pump(std::uint64_t maxBytes);

    int frameCount() const { return static_cast<int>(frames_.size()); }
    // Header until the image is decoded, then the decoded instance.
    const model::Instance& instanceOf(int frame) const;
    int frameInInstance(int frame) const { return frames_[static_cast<std::size_t>(frame)].frame; }
    bool resident(int frame) const;
    // Statistics of a resident frame's modality values (computed when it was decoded).
    const series::StackLoader::FrameStats& frameStats(int frame) const {
        return stats_[static_cast<std::size_t>(frame)];
    }
    // A stored value of a resident frame: from memory, or read back from the GPU for greyscale
    // images, whose only copy is there.
    std::int64_t storedValue(int frame, int x, int y, int sample = 0);
    int layerOf(int frame) const { return frame - windowStart_; }
    const render::GpuImage* image() const { return image_.get(); }
    void focus(int frame);
    void cancelLoading() { loader_->cancel(); }
    bool allResident() const { return residentCount_ == windowFrames_; }
    series::StackLoader::Progress progress() const;
    std::vector<std::string> takeErrors();
    const series::GeometryReport& geometry() const { return geometry_; }
    const std::string& description() const { return stack_.description; }
    std::uint64_t pixelBytes() const { return pixelBytes_; }

    // Images [windowStart, windowStart + windowFrames) are (or become) resident; when that is not
    // the whole stack, the reason is in windowMessage.
    bool windowed() const { return windowFrames_ < frameCount(); }
    int windowStart() const { return windowStart_; }
    int windowFrames() const { return windowFrames_; }
    const std::string& windowMessage() const { return windowMessage_; }

private:
    struct Frame {
        std::size_t instance;
        int frame;
    };
    render::Renderer& renderer_;
    series::SeriesStack stack_;
    std::vector<Frame> frames_;
    std::vector<std::vector<int>> framesOfInstance_;
    std::vector<char> resident_;
    std::vector<series::StackLoader::FrameStats> stats_;
    int residentCount_ = 0;
    int windowStart_ = 0;
    int focusFrame_ = 0;  // the image the user looks at: decoding and allocation start there
    int windowFrames_ = 0;
    std::string windowMessage_;
    std::uint64_t pixelBytes_ = 0;
    std::unique_ptr<render::GpuImage> image_;
    std::unique_ptr<series::StackLoader> loader_;
    std::vector<series::StackLoader::Ready> pending_;
    std::vector<std::size_t> decodeIndex_;  // loader index -> instance index
    std::vector<std::string> errors_;
    series::GeometryReport geometry_;
};

}  // namespace dcmlens::session

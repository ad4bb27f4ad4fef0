#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pixel/plane.hpp"
#include "pixel/reformat.hpp"
#include "pixel/render.hpp"
#include "render/renderer.hpp"
#include "series/series_builder.hpp"
#include "series/stack_loader.hpp"
#include "series/volume.hpp"

namespace dcmlens::session {

// Limits on what a stack may hold: the host keeps the stored values (for the pixel probe and
// automatic windows), the GPU one layer per image.
struct MemoryBudget {
    std::uint64_t hostBytes = 0;  // defaultBudget(): model::memoryBudget()
    std::uint64_t gpuBytes = 0;   // 0: same as the host budget
};
MemoryBudget defaultBudget();

// A stack being viewed: headers in display order, a StackLoader decoding on worker threads
// (nearest to the shown images first: every viewport showing the stack steers it through
// focus()), and one GPU array of layers, preallocated, filled in bounded chunks by pump() from
// the GL thread. When the series does not fit the budget, a window of images around the focus
// is resident and `windowed()` says so; focusing outside it slides the window (the layers of
// images that leave it are reused: frame f lives in layer f mod windowFrames), without a new
// session, so every viewport of the stack keeps its state.
class StackSession {
public:
    StackSession(render::Renderer& renderer, series::SeriesStack stack, int focusFrame = 0,
                 MemoryBudget budget = defaultBudget());

    // Draws a resident frame into the bound framebuffer (width x height) through the display
    // pipeline `options` describes. Throws dcmlens::Error when the frame is not resident.
    void draw(int frame, const pixel::DisplayOptions& options, const pixel::ViewMapping& view,
              bool linear, int width, int height);

    // The stack as a volume (MPR): its geometry, or null with the one-line reason in
    // volumeProblem() (the 2D view works either way). Decided from the headers when the session
    // is made; the GPU's tables for it are made then too, so that showing a plane later uploads
    // nothing.
    const series::VolumeGeometry* volume() const { return volume_ ? &*volume_ : nullptr; }
    const std::string& volumeProblem() const { return volumeProblem_; }

    // The greyscale pipeline a plane is drawn with: the file's windows, VOI function and
    // polarity of the volume's middle slice (its reference); min-max over the resident slices'
    // ranges; per-slice rescales are the slices' own. Throws dcmlens::Error without a volume.
    pixel::GrayPipeline planePipeline(const pixel::DisplayOptions& options) const;

    // Draws a plane of the volume into the bound framebuffer (view.width x view.height): the
    // slab of `slabMm` around it projected as `projection` (None: the plane). Black outside the
    // volume; where a slice it needs is not loaded yet, black with alpha 0 (draw something
    // distinct there, e.g. a hatch). Uploads nothing once the slices are resident (a slice that
    // became resident since the last draw costs 16 bytes of table). Throws dcmlens::Error
    // without a volume or for a view it cannot sample (series::VolumeGeometry::sampling).
    void drawPlane(const pixel::PlaneView& view, double slabMm, pixel::Projection projection,
                   const pixel::DisplayOptions& options, bool linear);

    // Every stage of output pixel (x, y) of that drawing (pixel::probePlane), with the file and
    // frame of the nearest voxel and that voxel's centre in patient mm.
    struct PlaneProbe {
        pixel::PlaneProbe probe;
        std::string file;     // of the nearest voxel's slice ("" outside the volume)
        int stackFrame = -1;  // that slice's frame in the stack (as draw() counts them)
    };
    PlaneProbe probePlane(const pixel::PlaneView& view, double slabMm, pixel::Projection projection,
                          const pixel::DisplayOptions& options, bool linear, int x, int y);

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
    int layerOf(int frame) const { return frame % std::max(1, windowFrames_); }
    const render::GpuImage* image() const { return image_.get(); }
    // The frames the viewports of this stack show, the one the user acts on first: decoding goes
    // nearest to them first; over budget, the window recentres on the first when it leaves it.
    void focus(int frame) { focus(std::vector<int>{frame}); }
    void focus(const std::vector<int>& frames);
    void cancelLoading() { loader_->cancel(); }
    bool allResident() const { return residentCount_ == windowFrames_; }
    int residentCount() const { return residentCount_; }
    // Over the resident window: images decoded (or failed) of those it holds.
    series::StackLoader::Progress progress() const;
    // How many times the window moved (tests and the state log).
    int slides() const { return slides_; }
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
    void slideTo(int start);
    std::vector<char> wantedInstances() const;
    bool inWindow(int frame) const {
        return frame >= windowStart_ && frame < windowStart_ + windowFrames_;
    }
    std::vector<series::StackLoader::Ready> pending_;
    std::vector<std::shared_ptr<const model::Instance>> headers_;  // as the stack was built
    std::vector<char> failed_;                                     // per instance
    int slides_ = 0;
    std::vector<std::string> errors_;
    series::GeometryReport geometry_;
    std::optional<series::VolumeGeometry> volume_;
    std::string volumeProblem_;
    std::unique_ptr<render::GpuVolume> gpuVolume_;
    std::vector<render::GpuVolume::Slice> volumeSlices() const;
};

}  // namespace dcmlens::session

#pragma once

// The MPR path of `render`, `probe`, `compare --gpu-vs-cpu` and `bench` (--plane ...): a folder or
// multi-frame file opened as the viewer opens it (headers, the largest stack), its volume, a plane
// view of it, and the stack loaded for the CPU reference (decoded slices) or the GPU (a
// StackSession, whose layers the shader samples).

#include <array>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/arguments.hpp"
#include "headless/egl_context.hpp"
#include "pixel/plane.hpp"
#include "pixel/reformat.hpp"
#include "render/renderer.hpp"
#include "series/series_builder.hpp"
#include "series/volume.hpp"
#include "session/stack_session.hpp"

namespace dcmlens::cli {

// --plane axial|coronal|sagittal|oblique, --at X,Y,Z, --axes RX,RY,RZ,DX,DY,DZ, --slab MM|all,
// --projection mip|minip|mean.
struct PlaneSettings {
    pixel::PlaneKind kind = pixel::PlaneKind::Axial;
    std::optional<pixel::Vec3> at;                   // default: the volume's centre
    std::optional<std::array<pixel::Vec3, 2>> axes;  // oblique: the screen's right and down
    double slab = 0;                                 // mm (infinity: the whole volume)
    pixel::Projection projection = pixel::Projection::None;
};
const std::set<std::string>& planeOptionNames();
// Empty when the arguments name no plane option; UsageError when they are malformed.
std::optional<PlaneSettings> readPlaneOptions(const Arguments& a);

// A stack opened as a volume: throws dcmlens::Error with the one-line reason when the inputs
// hold no images or the largest stack forms no volume.
struct OpenedVolume {
    series::SeriesStack stack;
    series::VolumeGeometry geometry;
    std::vector<std::string> errors;  // files that failed to read
};
OpenedVolume openVolume(const std::vector<std::string>& paths);

// The plane the settings describe through the volume, and its view: square pixels of the
// volume's finest spacing covering it, or fitted into `size`.
pixel::PlaneView planeView(const series::VolumeGeometry& volume, const PlaneSettings& settings,
                           const std::optional<std::pair<int, int>>& size);

// Every slice decoded, for the CPU reference. Throws dcmlens::Error when a slice fails.
struct DecodedVolume {
    std::vector<std::shared_ptr<const model::Instance>> instances;  // decoded, stack order
    std::vector<pixel::VolumeSlice> slices;                         // volume order
    std::optional<pixel::ValueRange> range;                         // padding excluded
    const model::Instance& reference(const series::VolumeGeometry& g) const;
    int referenceFrame(const series::VolumeGeometry& g) const;
};
DecodedVolume decodeVolume(const OpenedVolume& volume);
pixel::GrayPipeline planePipeline(const OpenedVolume& volume, const DecodedVolume& decoded,
                                  const pixel::DisplayOptions& options);

// The stack resident on the GPU (EGL, no display), as the viewer holds it.
class GpuVolumeSession {
public:
    explicit GpuVolumeSession(const OpenedVolume& volume);
    ~GpuVolumeSession();  // GL objects before the context
    session::StackSession& session() { return *session_; }
    render::Renderer& renderer() { return *renderer_; }
    // Draws the view into an offscreen target and reads it back (grey or RGB).
    pixel::Image draw(const pixel::PlaneView& view, const PlaneSettings& settings,
                      const pixel::DisplayOptions& options, bool linear);

private:
    std::unique_ptr<headless::EglContext> context_;
    std::unique_ptr<render::Renderer> renderer_;
    std::unique_ptr<session::StackSession> session_;
};

}  // namespace dcmlens::cli

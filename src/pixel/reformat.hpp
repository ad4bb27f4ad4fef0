#pragma once

// Multiplanar reformatting and slab projections on the CPU (the reference the shader is held to),
// and the pieces of it the shader shares: positions in 16.16 fixed point, so the float32 shader
// and this double code pick the same voxels and the same interpolation weights (docs/pipeline.md,
// "MPR"). A volume here is the slices of a stack, each its own frame of stored values; which
// patient positions they have is series/volume.hpp's business: it turns a plane into the
// integers below.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/pixel_buffer.hpp"
#include "pixel/auto_window.hpp"
#include "pixel/gray_pipeline.hpp"
#include "pixel/image.hpp"
#include "pixel/modality.hpp"
#include "pixel/plane.hpp"
#include "pixel/render.hpp"

namespace dcmlens::pixel {

// One coordinate of the volume as a linear function of the output pixel (x, y) and of the slab
// sample j, in 16.16 fixed point (1 = 65536). Evaluated with unsigned 32-bit wrap-around
// arithmetic, identically here and in shaders/image.frag:
//   v = base + x*xHi + ((x*xLo + 2^15) >> 16) + (the same for y and j)
// The coefficient per step is (hi + lo / 2^16) / 2^16 voxels: 32 fraction bits, so the error at
// x = 16384 stays under 2^-16 voxel; x, y and j must stay under 2^15 (the products then fit).
// The double copy is the coarse test that keeps far-away points (whose integers could wrap) out.
struct FixedLinear {
    std::uint32_t base = 0;
    std::int32_t xHi = 0;
    std::uint32_t xLo = 0;
    std::int32_t yHi = 0;
    std::uint32_t yLo = 0;
    std::int32_t jHi = 0;
    std::uint32_t jLo = 0;
    double baseD = 0;
    double xD = 0;
    double yD = 0;
    double jD = 0;

    // From the coordinate at pixel (0, 0)'s centre and sample 0, and its steps, in voxels.
    static FixedLinear make(double base, double perX, double perY, double perSample);
    std::int32_t at(std::uint32_t x, std::uint32_t y, std::uint32_t j) const;
    double approx(double x, double y, double j) const { return baseD + x * xD + y * yD + j * jD; }
};

// floor(v / 65536) and the nearest index floor(v / 65536 + 1/2): a tie goes to the higher index.
inline std::int32_t floorFixed(std::int32_t v) {
    return v >= 0 ? v >> 16 : ~((~v) >> 16);
}
inline std::int32_t nearestFixed(std::int32_t v) {
    return floorFixed(static_cast<std::int32_t>(static_cast<std::uint32_t>(v) + 32768u));
}

// What sampling needs to know of a volume, whatever the plane: its size and, for slices that are
// not evenly spaced, where each one lies.
//  - Even (every slice at first + k * step, tilted or not): the three coordinates are voxel
//    indices (column, row, slice) of a sheared grid, an affine function of the patient point.
//  - Uneven (gaps, varying spacing, or in-plane offsets that do not grow evenly): column and row
//    are in the first slice's frame, the slice coordinate u is the distance along the normal in
//    units of the smallest gap; slice k lies at table[k].position and its pixel (c, r) at
//    column - table[k].column, row - table[k].row. Slices are found through `buckets` (one per
//    half unit, holding the last slice at or below it: at most one more slice starts in a bucket).
struct VolumeGrid {
    int columns = 0;
    int rows = 0;
    int slices = 0;
    bool uneven = false;
    struct Slice {
        std::int32_t position = 0;  // u, 16.16; increasing with k, table[0].position = 0
        std::int32_t column = 0;    // in-plane offset of the slice, 16.16 columns
        std::int32_t row = 0;       // and rows
    };
    std::vector<Slice> table;           // uneven only
    std::vector<std::int32_t> buckets;  // uneven only: bucket b covers u in [b, b+1) * 2^15
    // Inside the volume, uneven: u in [sliceLow, sliceHigh) (half a gap beyond the end slices).
    std::int32_t sliceLow = 0;
    std::int32_t sliceHigh = 0;
    // The coarse test (voxels, in the coordinates above): points outside are outside the volume,
    // with a margin of several voxels over the exact test, which decides near the edges.
    std::array<double, 3> coarseLow{};
    std::array<double, 3> coarseHigh{};
};

enum class Projection { None, Mip, MinIp, Mean };
const char* projectionName(Projection p);  // "none", "mip", "minip", "mean"
std::optional<Projection> parseProjection(const std::string& name);

// How a plane samples a volume: its output pixels, and for a slab the samples along the normal.
struct PlaneSampling {
    int width = 0;
    int height = 0;
    FixedLinear column, row, slice;  // the volume's coordinates (VolumeGrid) at (x, y, j)
    Projection projection = Projection::None;
    int samples = 1;           // j = 0 .. samples - 1; 1 without a slab
    int planeSample = 0;       // the j on the plane itself
    double sampleSpacing = 0;  // mm between samples along the normal (0 without a slab)
    // Output columns [0], rows [1] to [2], [3] (exclusive) outside which no sample can be inside
    // the volume (its outline on the screen, with a margin): the rest is black unshaded.
    std::array<int, 4> cover{0, 0, 0, 0};
};

// Whether some coordinate of a sampling can leave the range its 16.16 integers hold (a view
// zoomed far out, or panned far away): then far points must first fail the coarse float test.
// Elsewhere the test never rejects a point the exact one accepts, so the shader may skip it.
bool needsCoarseTest(const PlaneSampling& sampling);

// The stored values and modality transform of one slice; `buffer` null: not loaded (yet).
struct VolumeSlice {
    const model::PixelBuffer* buffer = nullptr;
    int frame = 0;  // in buffer
    ModalityTransform modality;
};

// Where one sample fell.
struct VolumeSample {
    enum class State { Outside, Missing, Value };
    State state = State::Outside;
    double value = 0;  // modality value (interpolated when linear)
    int slice = 0;     // nearest voxel: slice index into the volume
    int column = 0;
    int row = 0;
};
VolumeSample sampleVolume(const VolumeGrid& grid, const std::vector<VolumeSlice>& slices,
                          const PlaneSampling& sampling, int x, int y, int j, bool linear);

// One output pixel: the plane's sample, or the projection of the slab's samples inside the
// volume. Missing when any sample needs a slice that is not loaded.
struct PlaneValue {
    VolumeSample::State state = VolumeSample::State::Outside;
    double value = 0;
    int count = 0;  // samples inside the volume
    int source =
        0;  // the sample j that gave the value (MIP/MinIP: the first extreme; else the plane's)
    VolumeSample at;  // that sample
};
PlaneValue planeValue(const VolumeGrid& grid, const std::vector<VolumeSlice>& slices,
                      const PlaneSampling& sampling, int x, int y, bool linear);

// A rendered plane: black outside the volume; `missing` is 1 where a needed slice is not loaded
// (the image is black there too; the GPU writes alpha 0 there, see render::Framebuffer).
struct PlaneImage {
    Image image;
    std::vector<std::uint8_t> missing;  // width * height
    std::size_t missingCount = 0;
};

// The plane through the pipeline: modality per slice (each slice's own rescale), then `gray`'s VOI
// and polarity (its modality part is not used), 8 bits, the colormap (grey output with "gray").
PlaneImage renderPlane(const VolumeGrid& grid, const std::vector<VolumeSlice>& slices,
                       const PlaneSampling& sampling, const GrayPipeline& gray,
                       const std::string& colormap, bool linear);

// Every stage of one output pixel of a plane, for `dcmlens probe --plane` and the viewer: the
// patient position of the pixel's centre, the nearest voxel (of the sample that gave the value,
// for MIP/MinIP the slice it came from), its stored and modality values, the value sampled
// (interpolated, or projected), then VOI and output.
struct PlaneProbe {
    Vec3 position{0, 0, 0};  // patient mm of the pixel centre on the plane
    VolumeSample::State state = VolumeSample::State::Outside;
    int slice = 0;  // nearest voxel (volume slice index)
    int column = 0;
    int row = 0;
    Vec3 voxelPosition{0, 0, 0};  // filled by the caller that knows the geometry
    std::int64_t stored = 0;      // of the nearest voxel
    double modality = 0;          // of the nearest voxel
    double value = 0;             // what the pixel shows before VOI: interpolated or projected
    int samples = 0;              // slab samples inside the volume
    Projection projection = Projection::None;
    double voi = 0;
    int output = 0;
    std::array<int, 3> rgb{};
};
PlaneProbe probePlane(const VolumeGrid& grid, const std::vector<VolumeSlice>& slices,
                      const PlaneSampling& sampling, const PlaneView& view,
                      const GrayPipeline& gray, const std::string& colormap, bool linear, int x,
                      int y);

// The greyscale pipeline a plane is shown with: the windows, VOI function, VOI LUTs and polarity
// of the volume's reference slice (`reference`, its frame `frame`: e.g. the middle slice); a
// min-max window (asked for, or the default when the reference has no window) over
// `volumeRange`, the slices' modality range (padding excluded), none without it; a percentile
// window as `percentile` gives it. Its modality part is the reference's (the shader uses it for
// a Modality LUT; rescales are per slice). The Output and VOI stages only. Throws
// dcmlens::Error (a window or VOI LUT the file does not have, another stage).
GrayPipeline makePlanePipeline(const model::Instance& reference, int frame,
                               const DisplayOptions& options,
                               const std::optional<ValueRange>& volumeRange,
                               const std::optional<model::Window>& percentile = std::nullopt);

// The slices an output pixel's samples read (the probe's, e.g. to read just those back from a GPU).
std::vector<int> slicesRead(const VolumeGrid& grid, const PlaneSampling& sampling, int x, int y,
                            bool linear);

}  // namespace dcmlens::pixel

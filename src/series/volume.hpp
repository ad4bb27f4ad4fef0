#pragma once

// A stack's slices as a volume: the mapping between patient millimetres (DICOM's LPS axes) and
// voxels (column, row, slice), from Image Orientation / Position (Patient) of every slice (or an
// enhanced object's per-frame Plane Orientation / Position, PS3.3 C.7.6.16.2.1 / .2.3), with
// the real position of each slice: uneven spacing and gaps are sampled where the slices are, a
// gantry tilt (positions stepping off the normal) is a sheared grid, either order works.
// No GL: series/ only turns geometry into what pixel/reformat.hpp and the shader sample with.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "pixel/plane.hpp"
#include "pixel/reformat.hpp"
#include "series/series_builder.hpp"

namespace dcmlens::series {

class VolumeGeometry {
public:
    struct Slice {
        int frame = 0;             // in the stack, counting every frame of every instance
        std::size_t instance = 0;  // into SeriesStack::instances
        int instanceFrame = 0;     // frame of that instance
        pixel::Vec3 position{};    // Image Position (Patient) of its first voxel's centre, mm
        double along = 0;          // distance along the normal, mm
    };

    int columns() const { return columns_; }
    int rows() const { return rows_; }
    int sliceCount() const { return static_cast<int>(slices_.size()); }
    // Slices in the stack's order (by position along the normal, head first for axial stacks).
    const std::vector<Slice>& slices() const { return slices_; }
    // The volume slice showing a stack frame; -1 when none does.
    int sliceOfFrame(int frame) const;

    // Image Orientation (Patient): the direction of increasing column index (along a row), of
    // increasing row index (down a column), and their cross product.
    const pixel::Vec3& rowDirection() const { return rowDirection_; }
    const pixel::Vec3& columnDirection() const { return columnDirection_; }
    const pixel::Vec3& normal() const { return normal_; }
    double columnSpacing() const { return columnSpacing_; }  // Pixel Spacing (0028,0030) [1]
    double rowSpacing() const { return rowSpacing_; }        // Pixel Spacing [0]
    double sliceSpacing() const { return sliceSpacing_; }    // median gap along the normal
    // min(pixel spacings, slice spacing): the default output pixel of a plane.
    double finestSpacing() const;
    // Whether every slice lies at first + k * step (within 1 % of the spacing): sampled as one
    // sheared grid; otherwise through the per-slice table (pixel::VolumeGrid).
    bool even() const { return !grid_.uneven; }
    // The step between neighbouring slices ((last - first) / (count - 1)); its angle to the
    // normal is the gantry tilt.
    const pixel::Vec3& step() const { return step_; }
    double tiltDegrees() const;

    // Voxel coordinates (column, row, slice index; integers are voxel centres, a fraction of the
    // slice index lies between those two slices' positions) to patient mm, and back. Both
    // extrapolate beyond the first and last slice.
    pixel::Vec3 patientFromVoxel(const pixel::Vec3& voxel) const;
    pixel::Vec3 voxelFromPatient(const pixel::Vec3& patient) const;
    // The volume's corners: voxel edges in-plane, half a gap beyond the end slices.
    std::array<pixel::Vec3, 8> corners() const;
    pixel::Vec3 center() const;

    // The view of a plane that covers the volume (pixel::fitPlane over corners()): square pixels
    // of finestSpacing(), or fitted into width x height.
    pixel::PlaneView fitView(const pixel::Plane& plane, int width = 0, int height = 0) const;

    // The spacing of slab samples along a plane's normal: one sample per voxel along the grid
    // axis the normal crosses fastest, i.e. 1 / max_i |d(voxel_i)/d(mm along normal)|. For an
    // axial plane of an axial series that is the slice spacing; for its coronal plane the row
    // spacing, sagittal the column spacing.
    double slabSpacing(const pixel::Vec3& normal) const;

    // What the shader and the CPU reference sample with.
    const pixel::VolumeGrid& grid() const { return grid_; }
    // How a view samples the volume: its pixels, and with a projection the slab of `slabMm`
    // (samples at slabSpacing() on both sides of the plane while within slabMm / 2, clipped to
    // the volume; 0 or no projection: the plane alone). Throws dcmlens::Error (one line) for
    // views it cannot sample exactly: more than 64 voxels per output pixel, outputs over 16384.
    pixel::PlaneSampling sampling(const pixel::PlaneView& view, double slabMm = 0,
                                  pixel::Projection projection = pixel::Projection::None) const;

private:
    friend struct VolumeBuilder;
    int columns_ = 0;
    int rows_ = 0;
    std::vector<Slice> slices_;
    pixel::Vec3 rowDirection_{};
    pixel::Vec3 columnDirection_{};
    pixel::Vec3 normal_{};
    double columnSpacing_ = 1;
    double rowSpacing_ = 1;
    double sliceSpacing_ = 1;
    pixel::Vec3 step_{};
    // Even: voxel = inverse * (patient - origin), the columns of `forward` being the steps.
    std::array<pixel::Vec3, 3> forward_{};  // column step, row step, slice step (mm)
    std::array<pixel::Vec3, 3> inverse_{};  // rows of the inverse
    // Uneven: u = (patient - first) . sliceAxis / unit, increasing with the slice index.
    pixel::Vec3 sliceAxis_{};
    double unit_ = 1;
    pixel::VolumeGrid grid_;
};

// The volume a stack forms, or in `problem` the one-line reason it forms none ("fewer than 2
// slices", "colour images", "mixed orientations (image 7 differs from image 1)", "2 images at one
// position (several stacks or time points?)", ...). The 2D view works either way.
struct VolumeBuild {
    std::optional<VolumeGeometry> volume;
    std::string problem;
};
VolumeBuild buildVolume(const SeriesStack& stack);

}  // namespace dcmlens::series

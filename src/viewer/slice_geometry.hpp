#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "model/instance.hpp"

namespace dcmlens::viewer {

using Vec3 = std::array<double, 3>;

// Where one frame lies in the patient coordinate system (DICOM's LPS, mm), from Image
// Position/Orientation (Patient) (0020,0032)/(0020,0037) and Pixel Spacing (0028,0030), or the
// per-frame functional groups of an enhanced object (PS3.3 C.7.6.2, C.7.6.16.2.3).
struct SlicePlane {
    Vec3 origin{};  // the centre of the first pixel (column 0, row 0)
    Vec3 row{};     // direction of increasing column index (the first three values of IOP)
    Vec3 column{};  // direction of increasing row index (the last three)
    Vec3 normal{};  // row x column
    double columnSpacing = 1;  // mm between neighbouring columns (Pixel Spacing's second value)
    double rowSpacing = 1;     // mm between neighbouring rows (its first)
    int columns = 0;
    int rows = 0;
    std::string frameOfReference;  // (0020,0052)

    // The patient point of a continuous image point (pixel (c, r) covers [c, c+1) x [r, r+1),
    // so its centre is (c + 0.5, r + 0.5)), and the image point of a patient point projected on
    // the plane.
    Vec3 patientPoint(double ix, double iy) const;
    void imagePoint(const Vec3& p, double& ix, double& iy) const;
    Vec3 centre() const { return patientPoint(columns / 2.0, rows / 2.0); }
    // Signed distance of a point from the plane along its normal, mm.
    double distance(const Vec3& p) const;
};

// The plane of frame `frame` of an instance; none without position and orientation.
std::optional<SlicePlane> slicePlaneOf(const model::Instance& instance, int frame);

// Linking the slices of two stacks (linked scrolling, "sync"): a stack's frames as planes.
struct StackPlanes {
    std::vector<std::optional<SlicePlane>> frames;
    // The frame whose plane is nearest to `point` along the stack's normal, among frames with
    // geometry; none when no frame has any. Works whatever the order (reversed stacks) and the
    // spacing (uneven, different from the source's).
    std::optional<int> nearestFrame(const Vec3& point) const;
};

// How viewport B follows viewport A when A shows `frameA`:
// - by position: both stacks share a Frame of Reference UID and their planes are within 45
//   degrees of parallel; B goes to the frame nearest to A's plane centre moved by `offsetMm`
//   along B's normal (the user's per-pair offset, set by scrolling one of them alone);
// - by index (when asked, for stacks without a common frame of reference): frame
//   frameA + offsetFrames, clamped;
// none when they cannot be linked.
enum class SyncMode { Position, Index };
std::optional<int> followFrame(const StackPlanes& a, int frameA, const StackPlanes& b,
                               SyncMode mode, double offsetMm, int offsetFrames);
// Whether two stacks can be linked by position (a common frame of reference, near-parallel).
bool linkableByPosition(const StackPlanes& a, const StackPlanes& b);

// The reference line: where the slice plane `shown` (the active viewport's) cuts the plane of
// `target`, as a segment in target's image coordinates (continuous, as above), clipped to both
// slices' extents; none when the planes are parallel (within 1e-3) or do not meet inside both
// images, or their frames of reference differ.
struct Segment {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
std::optional<Segment> referenceLine(const SlicePlane& shown, const SlicePlane& target);

}  // namespace dcmlens::viewer

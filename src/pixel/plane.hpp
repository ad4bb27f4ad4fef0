#pragma once

#include <array>
#include <optional>
#include <string>

namespace dcmlens::pixel {

// A point or direction in patient space: millimetres along DICOM's patient axes (LPS: x towards
// the patient's left, y towards posterior, z towards the head; PS3.3 C.7.6.2.1.1). An array of
// three (Vec3{x, y, z}, v[i]) of this namespace, where its operators are found.
struct Vec3 : std::array<double, 3> {};

inline Vec3 operator+(const Vec3& a, const Vec3& b) {
    return {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
}
inline Vec3 operator-(const Vec3& a, const Vec3& b) {
    return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}
inline Vec3 operator*(double s, const Vec3& a) {
    return {s * a[0], s * a[1], s * a[2]};
}
inline double dot(const Vec3& a, const Vec3& b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
inline Vec3 cross(const Vec3& a, const Vec3& b) {
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double length(const Vec3& a);
// a / |a|; a itself when it has no length.
Vec3 normalized(const Vec3& a);

// A plane of the patient as a viewport shows it: a point on it (the crosshair) and the unit
// directions of the screen's right and down, orthogonal. The normal, right x down, points away
// from the viewer (into the screen).
struct Plane {
    Vec3 point{0, 0, 0};
    Vec3 right{1, 0, 0};
    Vec3 down{0, 1, 0};
    Vec3 normal() const { return cross(right, down); }
};

enum class PlaneKind { Axial, Coronal, Sagittal, Oblique };
const char* planeKindName(PlaneKind kind);  // "axial", "coronal", "sagittal", "oblique"
std::optional<PlaneKind> parsePlaneKind(const std::string& name);

// The radiological display conventions (RadiAnt, Horos, Slicer), relative to the patient
// whatever the acquisition plane:
//   axial    seen from the feet: patient right on the screen's left, anterior up
//            (right = +x, down = +y, normal = +z towards the head);
//   coronal  seen from the front: patient right on the left, head up
//            (right = +x, down = -z, normal = +y towards posterior);
//   sagittal seen from the patient's left: anterior on the left, head up
//            (right = +y, down = -z, normal = -x towards the patient's right).
// Oblique has no standard axes: this gives the axial plane for it.
Plane standardPlane(PlaneKind kind, const Vec3& point);

// A plane through `point` whose screen right is `right` and down is `down` (any lengths): down is
// made orthogonal to right (Gram-Schmidt). Empty, with the reason in `why`, when either has no
// length or they are parallel.
std::optional<Plane> obliquePlane(const Vec3& point, const Vec3& right, const Vec3& down,
                                  std::string* why = nullptr);

// The plane rotated by `radians` about `axis` (any length), through its own point: what rotating
// a crosshair line does to the other viewports' planes (right-handed: counter-clockwise seen from
// where the axis points).
Plane rotated(const Plane& plane, const Vec3& axis, double radians);

// The plane moved `mm` along its normal (the wheel in an MPR viewport).
Plane moved(const Plane& plane, double mm);

// The patient direction a vector points to, as letters of its largest components in order
// (PS3.3 C.7.6.1.1.1: L/R, P/A, H/F; components under 0.25 of its length left out), e.g. "L",
// "LA" or "HRP": the orientation markers of a screen edge (right edge: right; left edge: -right;
// bottom: down; top: -down).
std::string patientDirection(const Vec3& direction);

// Where a plane's output pixels lie: pixel (x, y), counted from the top left, has its centre at
// origin + (x + 0.5) * mmPerPixel * right + (y + 0.5) * mmPerPixel * down. Square pixels. `origin`
// lies on the plane (the top-left corner of the output).
struct PlaneView {
    Plane plane;
    Vec3 origin{0, 0, 0};
    double mmPerPixel = 1;
    int width = 0;
    int height = 0;

    // The patient point at screen position (sx, sy) in output pixels (a pixel's centre is at
    // x + 0.5, y + 0.5): what the crosshair and measurements need.
    Vec3 patientAt(double sx, double sy) const;
    // Where a patient point projects onto the screen (along the normal), in output pixels.
    std::array<double, 2> screenOf(const Vec3& p) const;
    // Signed distance of a point from the plane, along the normal, in mm.
    double distance(const Vec3& p) const;
};

// The view of `plane` that shows the region its points project to from `corners` (e.g. a
// volume's eight corners): with width and height 0, square pixels of `mmPerPixel` covering it
// (ceil); otherwise the region fitted into width x height with square pixels, centred. The origin
// is placed so the covered region is centred in the output either way.
PlaneView fitPlane(const Plane& plane, const std::array<Vec3, 8>& corners, double mmPerPixel,
                   int width = 0, int height = 0);

// Zooms a view by `factor` (> 1: closer) about screen position (sx, sy), which keeps showing the
// same patient point; pans by (dx, dy) screen pixels (the image follows the mouse).
PlaneView zoomedAbout(const PlaneView& view, double sx, double sy, double factor);
PlaneView panned(const PlaneView& view, double dx, double dy);
// The view's plane moved `mm` along its normal, the screen mapping moved with it.
PlaneView moved(const PlaneView& view, double mm);
// The view's plane moved along its normal to pass through `p`, which becomes its point (the
// crosshair set from another viewport); the in-plane screen mapping stays.
PlaneView throughPoint(const PlaneView& view, const Vec3& p);
// The view's plane rotated about its point (rotated() above), the screen mapping with it: the
// point stays where it was on the screen.
PlaneView rotated(const PlaneView& view, const Vec3& axis, double radians);

}  // namespace dcmlens::pixel

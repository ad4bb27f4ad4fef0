#include "pixel/plane.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dcmlens::pixel {

double length(const Vec3& a) {
    return std::sqrt(dot(a, a));
}

Vec3 normalized(const Vec3& a) {
    const double l = length(a);
    return l > 0 ? (1 / l) * a : a;
}

const char* planeKindName(PlaneKind kind) {
    switch (kind) {
        case PlaneKind::Axial:
            return "axial";
        case PlaneKind::Coronal:
            return "coronal";
        case PlaneKind::Sagittal:
            return "sagittal";
        case PlaneKind::Oblique:
            return "oblique";
    }
    return "axial";
}

std::optional<PlaneKind> parsePlaneKind(const std::string& name) {
    for (auto kind :
         {PlaneKind::Axial, PlaneKind::Coronal, PlaneKind::Sagittal, PlaneKind::Oblique}) {
        if (name == planeKindName(kind)) {
            return kind;
        }
    }
    return std::nullopt;
}

Plane standardPlane(PlaneKind kind, const Vec3& point) {
    Plane p;
    p.point = point;
    switch (kind) {
        case PlaneKind::Coronal:
            p.right = {1, 0, 0};
            p.down = {0, 0, -1};
            break;
        case PlaneKind::Sagittal:
            p.right = {0, 1, 0};
            p.down = {0, 0, -1};
            break;
        case PlaneKind::Axial:
        case PlaneKind::Oblique:
            p.right = {1, 0, 0};
            p.down = {0, 1, 0};
            break;
    }
    return p;
}

std::optional<Plane> obliquePlane(const Vec3& point, const Vec3& right, const Vec3& down,
                                  std::string* why) {
    const double lr = length(right);
    const double ld = length(down);
    if (!(lr > 1e-9) || !(ld > 1e-9) || !std::isfinite(lr) || !std::isfinite(ld)) {
        if (why) {
            *why = "the plane's right and down directions need a length";
        }
        return std::nullopt;
    }
    const Vec3 r = (1 / lr) * right;
    const Vec3 d0 = (1 / ld) * down;
    const Vec3 d = d0 - dot(d0, r) * r;
    if (length(d) < 1e-6) {
        if (why) {
            *why = "the plane's right and down directions are parallel";
        }
        return std::nullopt;
    }
    Plane p;
    p.point = point;
    p.right = r;
    p.down = normalized(d);
    return p;
}

namespace {

// Rodrigues' rotation of v about the unit axis k.
Vec3 rotate(const Vec3& v, const Vec3& k, double radians) {
    const double c = std::cos(radians);
    const double s = std::sin(radians);
    return c * v + s * cross(k, v) + (dot(k, v) * (1 - c)) * k;
}

}  // namespace

Plane rotated(const Plane& plane, const Vec3& axis, double radians) {
    const Vec3 k = normalized(axis);
    if (length(k) == 0) {
        return plane;
    }
    Plane p = plane;
    p.right = normalized(rotate(plane.right, k, radians));
    // Re-orthogonalised: repeated rotations must not let rounding bend the axes.
    const Vec3 d = rotate(plane.down, k, radians);
    p.down = normalized(d - dot(d, p.right) * p.right);
    return p;
}

Plane moved(const Plane& plane, double mm) {
    Plane p = plane;
    p.point = plane.point + mm * plane.normal();
    return p;
}

std::string patientDirection(const Vec3& direction) {
    const Vec3 v = normalized(direction);
    const char* positive[3] = {"L", "P", "H"};
    const char* negative[3] = {"R", "A", "F"};
    int order[3] = {0, 1, 2};
    std::stable_sort(order, order + 3, [&](int a, int b) {
        return std::abs(v[static_cast<std::size_t>(a)]) > std::abs(v[static_cast<std::size_t>(b)]);
    });
    std::string out;
    for (int k : order) {
        const double c = v[static_cast<std::size_t>(k)];
        if (std::abs(c) > 0.25) {
            out += c > 0 ? positive[k] : negative[k];
        }
    }
    return out;
}

Vec3 PlaneView::patientAt(double sx, double sy) const {
    return origin + (sx * mmPerPixel) * plane.right + (sy * mmPerPixel) * plane.down;
}

std::array<double, 2> PlaneView::screenOf(const Vec3& p) const {
    const Vec3 d = p - origin;
    return {dot(d, plane.right) / mmPerPixel, dot(d, plane.down) / mmPerPixel};
}

double PlaneView::distance(const Vec3& p) const {
    return dot(p - plane.point, plane.normal());
}

PlaneView fitPlane(const Plane& plane, const std::array<Vec3, 8>& corners, double mmPerPixel,
                   int width, int height) {
    double r0 = std::numeric_limits<double>::infinity();
    double r1 = -r0;
    double d0 = r0;
    double d1 = -r0;
    for (const Vec3& c : corners) {
        const double r = dot(c - plane.point, plane.right);
        const double d = dot(c - plane.point, plane.down);
        r0 = std::min(r0, r);
        r1 = std::max(r1, r);
        d0 = std::min(d0, d);
        d1 = std::max(d1, d);
    }
    PlaneView v;
    v.plane = plane;
    const double extentR = r1 - r0;
    const double extentD = d1 - d0;
    if (width > 0 && height > 0) {
        v.width = width;
        v.height = height;
        v.mmPerPixel = std::max(extentR / width, extentD / height);
        if (!(v.mmPerPixel > 0)) {
            v.mmPerPixel = mmPerPixel > 0 ? mmPerPixel : 1;
        }
    } else {
        v.mmPerPixel = mmPerPixel > 0 ? mmPerPixel : 1;
        // A whisker under the exact quotient (rounding of the corners) must not add a pixel.
        v.width = std::max(1, static_cast<int>(std::ceil(extentR / v.mmPerPixel - 1e-9)));
        v.height = std::max(1, static_cast<int>(std::ceil(extentD / v.mmPerPixel - 1e-9)));
    }
    // Centre the covered region: the spare fraction of a pixel (or the letterbox) splits evenly.
    const double spareR = v.width * v.mmPerPixel - extentR;
    const double spareD = v.height * v.mmPerPixel - extentD;
    v.origin = plane.point + (r0 - spareR / 2) * plane.right + (d0 - spareD / 2) * plane.down;
    return v;
}

PlaneView zoomedAbout(const PlaneView& view, double sx, double sy, double factor) {
    if (!(factor > 0)) {
        return view;
    }
    PlaneView v = view;
    const Vec3 fixed = view.patientAt(sx, sy);
    v.mmPerPixel = view.mmPerPixel / factor;
    v.origin = fixed - (sx * v.mmPerPixel) * v.plane.right - (sy * v.mmPerPixel) * v.plane.down;
    return v;
}

PlaneView panned(const PlaneView& view, double dx, double dy) {
    PlaneView v = view;
    v.origin = view.origin - (dx * view.mmPerPixel) * view.plane.right -
               (dy * view.mmPerPixel) * view.plane.down;
    return v;
}

PlaneView moved(const PlaneView& view, double mm) {
    PlaneView v = view;
    v.plane = moved(view.plane, mm);
    v.origin = view.origin + mm * view.plane.normal();
    return v;
}

PlaneView throughPoint(const PlaneView& view, const Vec3& p) {
    const double d = view.distance(p);
    PlaneView v = moved(view, d);
    v.plane.point = p;
    return v;
}

PlaneView rotated(const PlaneView& view, const Vec3& axis, double radians) {
    PlaneView v = view;
    v.plane = rotated(view.plane, axis, radians);
    // The point keeps its screen position: the origin is where it was relative to the point,
    // in the rotated axes.
    const auto s = view.screenOf(view.plane.point);
    v.origin = v.plane.point - (s[0] * v.mmPerPixel) * v.plane.right -
               (s[1] * v.mmPerPixel) * v.plane.down;
    return v;
}

}  // namespace dcmlens::pixel

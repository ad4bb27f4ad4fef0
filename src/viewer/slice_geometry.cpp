#include "viewer/slice_geometry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dcmlens::viewer {

namespace {

double dot(const Vec3& a, const Vec3& b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
Vec3 cross(const Vec3& a, const Vec3& b) {
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
Vec3 sub(const Vec3& a, const Vec3& b) {
    return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}
Vec3 axpy(const Vec3& a, double s, const Vec3& b) {  // a + s b
    return {a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]};
}
Vec3 normalised(const Vec3& v) {
    const double n = std::sqrt(dot(v, v));
    return n > 0 ? Vec3{v[0] / n, v[1] / n, v[2] / n} : v;
}

}  // namespace

Vec3 SlicePlane::patientPoint(double ix, double iy) const {
    const Vec3 p = axpy(origin, (ix - 0.5) * columnSpacing, row);
    return axpy(p, (iy - 0.5) * rowSpacing, column);
}

void SlicePlane::imagePoint(const Vec3& p, double& ix, double& iy) const {
    const Vec3 d = sub(p, origin);
    ix = dot(d, row) / columnSpacing + 0.5;
    iy = dot(d, column) / rowSpacing + 0.5;
}

double SlicePlane::distance(const Vec3& p) const {
    return dot(sub(p, origin), normal);
}

std::optional<SlicePlane> slicePlaneOf(const model::Instance& in, int frame) {
    const model::FrameAttributes* fa =
        frame >= 0 && frame < static_cast<int>(in.frameAttributes.size())
            ? &in.frameAttributes[static_cast<std::size_t>(frame)]
            : nullptr;
    const auto position = fa && fa->position ? fa->position : in.geometry.position;
    const auto orientation = fa && fa->orientation ? fa->orientation : in.geometry.orientation;
    const auto spacing = fa && fa->pixelSpacing ? fa->pixelSpacing : in.geometry.pixelSpacing;
    if (!position || !orientation) {
        return std::nullopt;
    }
    SlicePlane s;
    s.origin = *position;
    s.row = normalised({(*orientation)[0], (*orientation)[1], (*orientation)[2]});
    s.column = normalised({(*orientation)[3], (*orientation)[4], (*orientation)[5]});
    s.normal = normalised(cross(s.row, s.column));
    if (dot(s.normal, s.normal) < 0.5) {
        return std::nullopt;  // degenerate orientation
    }
    if (spacing && (*spacing)[0] > 0 && (*spacing)[1] > 0) {
        s.rowSpacing = (*spacing)[0];
        s.columnSpacing = (*spacing)[1];
    }
    s.columns = in.pixel.columns;
    s.rows = in.pixel.rows;
    s.frameOfReference = in.geometry.frameOfReferenceUid;
    return s;
}

std::optional<int> StackPlanes::nearestFrame(const Vec3& point) const {
    std::optional<int> best;
    double bestDistance = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < frames.size(); ++i) {
        if (!frames[i]) {
            continue;
        }
        const double d = std::abs(frames[i]->distance(point));
        if (d < bestDistance) {
            bestDistance = d;
            best = static_cast<int>(i);
        }
    }
    return best;
}

namespace {

const SlicePlane* anyPlane(const StackPlanes& s) {
    for (const auto& f : s.frames) {
        if (f) {
            return &*f;
        }
    }
    return nullptr;
}

}  // namespace

bool linkableByPosition(const StackPlanes& a, const StackPlanes& b) {
    const SlicePlane* pa = anyPlane(a);
    const SlicePlane* pb = anyPlane(b);
    if (!pa || !pb || pa->frameOfReference.empty() ||
        pa->frameOfReference != pb->frameOfReference) {
        return false;
    }
    return std::abs(dot(pa->normal, pb->normal)) >= std::cos(45.0 * 3.14159265358979 / 180);
}

std::optional<int> followFrame(const StackPlanes& a, int frameA, const StackPlanes& b,
                               SyncMode mode, double offsetMm, int offsetFrames) {
    if (b.frames.empty() || frameA < 0 || frameA >= static_cast<int>(a.frames.size())) {
        return std::nullopt;
    }
    if (mode == SyncMode::Index) {
        return std::clamp(frameA + offsetFrames, 0, static_cast<int>(b.frames.size()) - 1);
    }
    const auto& plane = a.frames[static_cast<std::size_t>(frameA)];
    const SlicePlane* pb = anyPlane(b);
    if (!plane || !pb || !linkableByPosition(a, b)) {
        return std::nullopt;
    }
    return b.nearestFrame(axpy(plane->centre(), offsetMm, pb->normal));
}

std::optional<Segment> referenceLine(const SlicePlane& shown, const SlicePlane& target) {
    if (shown.frameOfReference.empty() || shown.frameOfReference != target.frameOfReference) {
        return std::nullopt;
    }
    const Vec3 direction = cross(shown.normal, target.normal);
    if (std::sqrt(dot(direction, direction)) < 1e-3) {
        return std::nullopt;  // parallel planes never cut each other in a line
    }
    // A point on both planes: on the target, X(ix, iy) = patientPoint(ix, iy) with
    // shown.distance(X) = 0, which is linear in (ix, iy): a ix + b iy = c.
    const double a = dot(target.row, shown.normal) * target.columnSpacing;
    const double b = dot(target.column, shown.normal) * target.rowSpacing;
    const double c = -shown.distance(target.patientPoint(0, 0));
    // The line in target image coordinates: (x, y) = p0 + t d, with d perpendicular to (a, b).
    double px = 0;
    double py = 0;
    if (std::abs(a) >= std::abs(b)) {
        px = c / a;
    } else {
        py = c / b;
    }
    const double dx = -b;
    const double dy = a;
    // Clip t so that the point lies inside [0, w] x [0, h] of both images; the shown image's
    // coordinates are linear in t too.
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    auto clip = [&](double start, double step, double limit) {
        if (std::abs(step) < 1e-12) {
            if (start < 0 || start > limit) {
                lo = 1;
                hi = 0;  // empty
            }
            return;
        }
        double t0 = (0 - start) / step;
        double t1 = (limit - start) / step;
        if (t0 > t1) {
            std::swap(t0, t1);
        }
        lo = std::max(lo, t0);
        hi = std::min(hi, t1);
    };
    clip(px, dx, target.columns);
    clip(py, dy, target.rows);
    double sx0 = 0, sy0 = 0, sx1 = 0, sy1 = 0;
    shown.imagePoint(target.patientPoint(px, py), sx0, sy0);
    shown.imagePoint(target.patientPoint(px + dx, py + dy), sx1, sy1);
    clip(sx0, sx1 - sx0, shown.columns);
    clip(sy0, sy1 - sy0, shown.rows);
    if (!(lo < hi)) {
        return std::nullopt;
    }
    return Segment{px + lo * dx, py + lo * dy, px + hi * dx, py + hi * dy};
}

}  // namespace dcmlens::viewer

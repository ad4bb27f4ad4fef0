#include "series/volume.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "common/error.hpp"

namespace dcmlens::series {

using pixel::Vec3;

namespace {

constexpr double kOne = 65536.0;
// Sizes whose 16.16 coordinates keep far from the 32-bit range (pixel/reformat.hpp).
constexpr int kMaxVoxels = 30000;
constexpr double kMaxStep = 64;  // voxels per output pixel or slab sample

std::string imageName(int frame) {
    return "image " + std::to_string(frame + 1);
}

// The inverse of the matrix whose columns are a, b, c (rows of the result); false if singular.
bool invert(const std::array<Vec3, 3>& columns, std::array<Vec3, 3>& rows) {
    const Vec3& a = columns[0];
    const Vec3& b = columns[1];
    const Vec3& c = columns[2];
    const double det = pixel::dot(a, pixel::cross(b, c));
    if (!(std::abs(det) > 1e-12)) {
        return false;
    }
    rows[0] = (1 / det) * pixel::cross(b, c);
    rows[1] = (1 / det) * pixel::cross(c, a);
    rows[2] = (1 / det) * pixel::cross(a, b);
    return true;
}

std::int32_t toFixed(double v) {
    return static_cast<std::int32_t>(std::lround(v * kOne));
}

}  // namespace

// Builds a VolumeGeometry, or says why the stack forms none.
struct VolumeBuilder {
    static VolumeBuild build(const SeriesStack& stack);
};

VolumeBuild buildVolume(const SeriesStack& stack) {
    return VolumeBuilder::build(stack);
}

VolumeBuild VolumeBuilder::build(const SeriesStack& stack) {
    VolumeBuild result;
    auto fail = [&](const std::string& why) {
        result.problem = why;
        return result;
    };
    if (stack.instances.empty()) {
        return fail("no images");
    }
    const model::Instance& first = *stack.instances.front();
    if (first.pixel.samplesPerPixel != 1 ||
        first.pixel.photometric == model::Photometric::PaletteColor ||
        !model::isMonochrome(first.pixel.photometric)) {
        return fail("colour images: reformatting is for greyscale volumes");
    }
    VolumeGeometry g;
    g.columns_ = first.pixel.columns;
    g.rows_ = first.pixel.rows;
    if (g.columns_ < 1 || g.rows_ < 1 || g.columns_ > kMaxVoxels || g.rows_ > kMaxVoxels) {
        return fail("slices of " + std::to_string(g.columns_) + "x" + std::to_string(g.rows_) +
                    " pixels cannot be reformatted (at most " + std::to_string(kMaxVoxels) + ")");
    }
    std::optional<std::array<double, 6>> orientation;
    std::optional<std::array<double, 2>> spacing;
    model::LutPtr lut;
    bool anyLut = false;
    bool anyRescale = false;
    int frame = 0;
    for (std::size_t i = 0; i < stack.instances.size(); ++i) {
        const model::Instance& in = *stack.instances[i];
        if (in.pixel.columns != g.columns_ || in.pixel.rows != g.rows_ ||
            in.pixel.samplesPerPixel != 1) {
            return fail(imageName(frame) + " has another size than image 1");
        }
        for (int f = 0; f < std::max(1, in.pixel.frames); ++f, ++frame) {
            const model::FrameAttributes* per =
                static_cast<std::size_t>(f) < in.frameAttributes.size()
                    ? &in.frameAttributes[static_cast<std::size_t>(f)]
                    : nullptr;
            const auto& o = per && per->orientation ? per->orientation : in.geometry.orientation;
            const auto& p = per && per->position ? per->position : in.geometry.position;
            const auto& s = per && per->pixelSpacing ? per->pixelSpacing : in.geometry.pixelSpacing;
            if (!o) {
                return fail("no Image Orientation (Patient) (0020,0037) on " + imageName(frame));
            }
            if (!p) {
                return fail("no Image Position (Patient) (0020,0032) on " + imageName(frame));
            }
            if (!s || !((*s)[0] > 0) || !((*s)[1] > 0)) {
                return fail("no Pixel Spacing (0028,0030) on " + imageName(frame));
            }
            if (!orientation) {
                orientation = o;
                spacing = s;
            }
            for (int k = 0; k < 6; ++k) {
                if (std::abs((*o)[static_cast<std::size_t>(k)] -
                             (*orientation)[static_cast<std::size_t>(k)]) > 1e-3) {
                    return fail("mixed orientations (" + imageName(frame) +
                                " differs from image 1)");
                }
            }
            if (std::abs((*s)[0] - (*spacing)[0]) > 1e-4 * (*spacing)[0] ||
                std::abs((*s)[1] - (*spacing)[1]) > 1e-4 * (*spacing)[1]) {
                return fail("mixed pixel spacings (" + imageName(frame) + " differs from image 1)");
            }
            const model::ModalityInfo& m = in.modalityFor(f);
            if (m.lut) {
                if (anyLut && lut != m.lut && lut->entries != m.lut->entries) {
                    return fail("the slices have different Modality LUTs");
                }
                lut = m.lut;
                anyLut = true;
            } else {
                anyRescale = true;
            }
            VolumeGeometry::Slice slice;
            slice.frame = frame;
            slice.instance = i;
            slice.instanceFrame = f;
            slice.position = {(*p)[0], (*p)[1], (*p)[2]};
            g.slices_.push_back(slice);
        }
    }
    if (anyLut && anyRescale) {
        return fail("some slices have a Modality LUT and others a rescale");
    }
    if (g.slices_.size() < 2) {
        return fail("fewer than 2 slices");
    }
    if (g.slices_.size() > static_cast<std::size_t>(kMaxVoxels)) {
        return fail(std::to_string(g.slices_.size()) + " slices cannot be reformatted (at most " +
                    std::to_string(kMaxVoxels) + ")");
    }
    const auto& o = *orientation;
    g.rowDirection_ = pixel::normalized({o[0], o[1], o[2]});
    g.columnDirection_ = pixel::normalized({o[3], o[4], o[5]});
    g.normal_ = pixel::cross(g.rowDirection_, g.columnDirection_);
    if (!(pixel::length(g.normal_) > 0.5)) {
        return fail("Image Orientation (Patient) (0020,0037) has parallel directions");
    }
    g.normal_ = pixel::normalized(g.normal_);
    g.rowSpacing_ = (*spacing)[0];
    g.columnSpacing_ = (*spacing)[1];

    // Display order along the normal, head first for axial stacks, as sortForDisplay (enhanced
    // objects list their frames in any order).
    for (auto& s : g.slices_) {
        s.along = pixel::dot(s.position, g.normal_);
    }
    std::stable_sort(g.slices_.begin(), g.slices_.end(),
                     [](const auto& a, const auto& b) { return a.along > b.along; });
    std::vector<double> gaps;
    for (std::size_t k = 1; k < g.slices_.size(); ++k) {
        const double gap = g.slices_[k - 1].along - g.slices_[k].along;
        if (gap < 1e-3) {
            std::size_t same = 2;
            while (k + 1 < g.slices_.size() && g.slices_[k].along - g.slices_[k + 1].along < 1e-3) {
                ++same;
                ++k;
            }
            return fail(std::to_string(same) + " images at one position (" +
                        imageName(g.slices_[k].frame) +
                        "): several stacks or time points, not one volume");
        }
        gaps.push_back(gap);
    }
    std::vector<double> sorted = gaps;
    std::nth_element(sorted.begin(),
                     sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    g.sliceSpacing_ = sorted[sorted.size() / 2];
    const double minGap = *std::min_element(gaps.begin(), gaps.end());

    const std::size_t n = g.slices_.size();
    const Vec3 origin = g.slices_.front().position;
    g.step_ = (1.0 / static_cast<double>(n - 1)) * (g.slices_.back().position - origin);
    double worst = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const Vec3 ideal = origin + static_cast<double>(k) * g.step_;
        worst = std::max(worst, pixel::length(g.slices_[k].position - ideal));
    }
    const double normalStep = std::abs(pixel::dot(g.step_, g.normal_));
    g.forward_ = {g.columnSpacing_ * g.rowDirection_, g.rowSpacing_ * g.columnDirection_, g.step_};
    if (!invert(g.forward_, g.inverse_) || !(normalStep > 1e-3)) {
        return fail("the slices do not advance along their normal");
    }
    pixel::VolumeGrid& grid = g.grid_;
    grid.columns = g.columns_;
    grid.rows = g.rows_;
    grid.slices = static_cast<int>(n);
    grid.uneven = worst > 0.01 * normalStep;
    const double margin = 4;
    if (!grid.uneven) {
        grid.coarseLow = {-0.5 - margin, -0.5 - margin, -0.5 - margin};
        grid.coarseHigh = {g.columns_ - 0.5 + margin, g.rows_ - 0.5 + margin,
                           static_cast<double>(n) - 0.5 + margin};
    } else {
        // u along -normal (the slices come head first): increasing with the slice index.
        g.sliceAxis_ = -1.0 * g.normal_;
        g.unit_ = minGap;
        const double extent = (g.slices_.front().along - g.slices_.back().along) / minGap;
        if (extent > kMaxVoxels) {
            char text[200];
            std::snprintf(text, sizeof text,
                          "slices only %.4g mm apart in %.4g mm: too uneven to reformat", minGap,
                          g.slices_.front().along - g.slices_.back().along);
            return fail(text);
        }
        double lowC = 0, highC = 0, lowR = 0, highR = 0;
        for (const auto& s : g.slices_) {
            const Vec3 d = s.position - origin;
            pixel::VolumeGrid::Slice t;
            t.position = toFixed(pixel::dot(d, g.sliceAxis_) / g.unit_);
            const double c = pixel::dot(d, g.rowDirection_) / g.columnSpacing_;
            const double r = pixel::dot(d, g.columnDirection_) / g.rowSpacing_;
            t.column = toFixed(c);
            t.row = toFixed(r);
            lowC = std::min(lowC, c);
            highC = std::max(highC, c);
            lowR = std::min(lowR, r);
            highR = std::max(highR, r);
            grid.table.push_back(t);
        }
        grid.table.front().position = 0;
        for (std::size_t k = 1; k < n; ++k) {
            // At least one unit apart: a half-unit bucket then holds at most one slice's start.
            if (grid.table[k].position - grid.table[k - 1].position < 65535) {
                grid.table[k].position = grid.table[k - 1].position + 65536;
            }
        }
        const std::int32_t firstGap = grid.table[1].position - grid.table[0].position;
        const std::int32_t lastGap = grid.table[n - 1].position - grid.table[n - 2].position;
        grid.sliceLow = -(firstGap >> 1);
        grid.sliceHigh = grid.table[n - 1].position + (lastGap >> 1);
        const std::int32_t buckets = (grid.sliceHigh >> 15) + 1;
        grid.buckets.assign(static_cast<std::size_t>(buckets), 0);
        std::size_t k = 0;
        for (std::int32_t b = 0; b < buckets; ++b) {
            const std::int64_t start = static_cast<std::int64_t>(b) << 15;
            while (k + 1 < n && grid.table[k + 1].position <= start) {
                ++k;
            }
            grid.buckets[static_cast<std::size_t>(b)] = static_cast<std::int32_t>(k);
        }
        grid.coarseLow = {lowC - 0.5 - margin, lowR - 0.5 - margin, grid.sliceLow / kOne - margin};
        grid.coarseHigh = {highC + g.columns_ - 0.5 + margin, highR + g.rows_ - 0.5 + margin,
                           grid.sliceHigh / kOne + margin};
    }
    result.volume = std::move(g);
    return result;
}

int VolumeGeometry::sliceOfFrame(int frame) const {
    for (std::size_t k = 0; k < slices_.size(); ++k) {
        if (slices_[k].frame == frame) {
            return static_cast<int>(k);
        }
    }
    return -1;
}

double VolumeGeometry::finestSpacing() const {
    return std::min({columnSpacing_, rowSpacing_, sliceSpacing_});
}

double VolumeGeometry::tiltDegrees() const {
    const double l = pixel::length(step_);
    if (!(l > 0)) {
        return 0;
    }
    const double c = std::min(1.0, std::abs(pixel::dot(step_, normal_)) / l);
    return std::acos(c) * 180 / 3.14159265358979323846;
}

Vec3 VolumeGeometry::patientFromVoxel(const Vec3& v) const {
    const Vec3 inPlane = v[0] * forward_[0] + v[1] * forward_[1];
    if (even()) {
        return slices_.front().position + inPlane + v[2] * forward_[2];
    }
    const int last = sliceCount() - 1;
    const int k = std::clamp(static_cast<int>(std::floor(v[2])), 0, last - 1);
    const double t = v[2] - k;
    const Vec3& a = slices_[static_cast<std::size_t>(k)].position;
    const Vec3& b = slices_[static_cast<std::size_t>(k + 1)].position;
    return a + t * (b - a) + inPlane;
}

Vec3 VolumeGeometry::voxelFromPatient(const Vec3& p) const {
    const Vec3 d = p - slices_.front().position;
    if (even()) {
        return {pixel::dot(inverse_[0], d), pixel::dot(inverse_[1], d), pixel::dot(inverse_[2], d)};
    }
    // The slice coordinate from the distance along the normal, piecewise between slices; then
    // column and row relative to the point of the slices' line there.
    const double along = pixel::dot(p, normal_);
    const int last = sliceCount() - 1;
    int k = 0;
    while (k < last - 1 && slices_[static_cast<std::size_t>(k + 1)].along >= along) {
        ++k;
    }
    const auto& a = slices_[static_cast<std::size_t>(k)];
    const auto& b = slices_[static_cast<std::size_t>(k + 1)];
    const double t = (a.along - along) / (a.along - b.along);
    const Vec3 base = a.position + t * (b.position - a.position);
    const Vec3 q = p - base;
    return {pixel::dot(q, rowDirection_) / columnSpacing_,
            pixel::dot(q, columnDirection_) / rowSpacing_, k + t};
}

std::array<Vec3, 8> VolumeGeometry::corners() const {
    std::array<Vec3, 8> c{};
    const double s0 = -0.5;
    const double s1 = sliceCount() - 0.5;
    for (int i = 0; i < 8; ++i) {
        const Vec3 v{(i & 1) ? columns_ - 0.5 : -0.5, (i & 2) ? rows_ - 0.5 : -0.5,
                     (i & 4) ? s1 : s0};
        c[static_cast<std::size_t>(i)] = patientFromVoxel(v);
    }
    return c;
}

Vec3 VolumeGeometry::center() const {
    const auto c = corners();
    Vec3 sum{0, 0, 0};
    for (const Vec3& v : c) {
        sum = sum + v;
    }
    return 0.125 * sum;
}

pixel::PlaneView VolumeGeometry::fitView(const pixel::Plane& plane, int width, int height) const {
    return pixel::fitPlane(plane, corners(), finestSpacing(), width, height);
}

double VolumeGeometry::slabSpacing(const Vec3& normal) const {
    const Vec3 n = pixel::normalized(normal);
    double fastest = 0;
    for (const Vec3& row : inverse_) {
        fastest = std::max(fastest, std::abs(pixel::dot(row, n)));
    }
    return fastest > 0 ? 1 / fastest : sliceSpacing_;
}

pixel::PlaneSampling VolumeGeometry::sampling(const pixel::PlaneView& view, double slabMm,
                                              pixel::Projection projection) const {
    if (view.width < 1 || view.height < 1 || view.width > 16384 || view.height > 16384) {
        throw Error("a plane of " + std::to_string(view.width) + "x" + std::to_string(view.height) +
                    " pixels: at most 16384x16384");
    }
    if (!(view.mmPerPixel > 0) || !std::isfinite(view.mmPerPixel)) {
        throw Error("a plane needs a positive size of its pixels");
    }
    pixel::PlaneSampling s;
    s.width = view.width;
    s.height = view.height;
    s.projection = projection;
    const Vec3 n = view.plane.normal();
    int jLow = 0;
    int jHigh = 0;
    double spacing = 0;
    if (projection != pixel::Projection::None && slabMm > 0) {  // infinity: the whole volume
        spacing = slabSpacing(n);
        const double half = std::min(slabMm / 2, 1e7);
        const int reach = static_cast<int>(std::floor(half / spacing + 1e-9));
        // Clipped to the volume: samples beyond its corners along the normal read nothing.
        double d0 = std::numeric_limits<double>::infinity();
        double d1 = -d0;
        for (const Vec3& c : corners()) {
            const double d = view.distance(c);
            d0 = std::min(d0, d);
            d1 = std::max(d1, d);
        }
        jLow = std::max(-reach, static_cast<int>(std::ceil(d0 / spacing)) - 1);
        jHigh = std::min(reach, static_cast<int>(std::floor(d1 / spacing)) + 1);
        if (jLow > jHigh) {
            jLow = jHigh = 0;
        }
        if (jHigh - jLow + 1 > 32767) {
            throw Error("a slab of more than 32767 samples");
        }
    }
    s.samples = jHigh - jLow + 1;
    s.planeSample = std::clamp(-jLow, 0, s.samples - 1);
    s.sampleSpacing = spacing;
    // Pixel (0, 0)'s centre at the first sample, then the steps, in the grid's coordinates.
    const Vec3 start = view.patientAt(0.5, 0.5) + (jLow * spacing) * n;
    const Vec3 perX = view.mmPerPixel * view.plane.right;
    const Vec3 perY = view.mmPerPixel * view.plane.down;
    const Vec3 perJ = spacing * n;
    std::array<Vec3, 3> axes;  // patient mm -> grid coordinate, row by row
    if (even()) {
        axes = inverse_;
    } else {
        axes = {(1 / columnSpacing_) * rowDirection_, (1 / rowSpacing_) * columnDirection_,
                (1 / unit_) * sliceAxis_};
    }
    // The outline on the screen (along the normal, as the slab's samples lie): every point of
    // the volume projects inside the outline of these points, two pixels of margin for rounding.
    std::vector<Vec3> hull(corners().begin(), corners().end());
    if (!even()) {
        // Each slice's pixels, half its gaps to either side: an irregular stack may bulge beyond
        // the corners.
        for (std::size_t k = 0; k < slices_.size(); ++k) {
            const double below = k > 0 ? slices_[k - 1].along - slices_[k].along
                                       : slices_[1].along - slices_[0].along;
            const double above = k + 1 < slices_.size() ? slices_[k].along - slices_[k + 1].along
                                                        : slices_[k - 1].along - slices_[k].along;
            for (int i = 0; i < 8; ++i) {
                const Vec3 corner =
                    slices_[k].position +
                    (((i & 1) ? columns_ - 0.5 : -0.5) * columnSpacing_) * rowDirection_ +
                    (((i & 2) ? rows_ - 0.5 : -0.5) * rowSpacing_) * columnDirection_;
                hull.push_back(corner +
                               (((i & 4) ? 0.5 * std::abs(below) : -0.5 * std::abs(above))) *
                                   normal_);
            }
        }
    }
    double sx0 = std::numeric_limits<double>::infinity();
    double sx1 = -sx0;
    double sy0 = sx0;
    double sy1 = -sx0;
    for (const Vec3& p : hull) {
        const auto q = view.screenOf(p);
        sx0 = std::min(sx0, q[0]);
        sx1 = std::max(sx1, q[0]);
        sy0 = std::min(sy0, q[1]);
        sy1 = std::max(sy1, q[1]);
    }
    auto pixelAt = [](double v, int limit) {
        return static_cast<int>(std::clamp(std::floor(v), -1.0, static_cast<double>(limit) + 1));
    };
    s.cover = {std::max(0, pixelAt(sx0, s.width) - 2), std::max(0, pixelAt(sy0, s.height) - 2),
               std::min(s.width, pixelAt(sx1, s.width) + 3),
               std::min(s.height, pixelAt(sy1, s.height) + 3)};
    const Vec3 d = start - slices_.front().position;
    pixel::FixedLinear* out[3] = {&s.column, &s.row, &s.slice};
    for (int i = 0; i < 3; ++i) {
        const Vec3& a = axes[static_cast<std::size_t>(i)];
        const double px = pixel::dot(a, perX);
        const double py = pixel::dot(a, perY);
        const double pj = pixel::dot(a, perJ);
        if (!(std::abs(px) <= kMaxStep) || !(std::abs(py) <= kMaxStep) ||
            !(std::abs(pj) <= kMaxStep)) {
            throw Error("the plane's pixels are too large: more than 64 voxels each");
        }
        *out[i] = pixel::FixedLinear::make(pixel::dot(a, d), px, py, pj);
    }
    return s;
}

}  // namespace dcmlens::series

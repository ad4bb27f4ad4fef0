// Volume geometry from hand-made headers (series/volume.hpp), planes (pixel/plane.hpp) and the
// fixed-point sampling both the shader and the CPU use (pixel/reformat.hpp).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "pixel/plane.hpp"
#include "pixel/reformat.hpp"
#include "series/volume.hpp"

using namespace dcmlens;
using pixel::Vec3;

namespace {

constexpr std::array<double, 6> kAxial{1, 0, 0, 0, 1, 0};

// A greyscale header of `columns` x `rows` at `position`; spacing 0.5 (row) x 0.75 (column).
std::shared_ptr<model::Instance> header(const Vec3& position,
                                        const std::array<double, 6>& orientation = kAxial,
                                        int columns = 8, int rows = 6) {
    auto in = std::make_shared<model::Instance>();
    in->path = "slice";
    in->pixel.columns = columns;
    in->pixel.rows = rows;
    in->pixel.bitsStored = 16;
    in->geometry.position = std::array<double, 3>{position[0], position[1], position[2]};
    in->geometry.orientation = orientation;
    in->geometry.pixelSpacing = std::array<double, 2>{0.5, 0.75};
    return in;
}

series::SeriesStack stackAt(const std::vector<Vec3>& positions,
                            const std::array<double, 6>& orientation = kAxial) {
    series::SeriesStack s;
    for (const Vec3& p : positions) {
        s.instances.push_back(header(p, orientation));
    }
    return s;
}

std::vector<Vec3> along(int count, const Vec3& first, const Vec3& step) {
    std::vector<Vec3> out;
    for (int k = 0; k < count; ++k) {
        out.push_back(first + static_cast<double>(k) * step);
    }
    return out;
}

void expectNear(const Vec3& a, const Vec3& b, double tolerance = 1e-9) {
    for (int i = 0; i < 3; ++i) {
        EXPECT_NEAR(a[static_cast<std::size_t>(i)], b[static_cast<std::size_t>(i)], tolerance)
            << "component " << i;
    }
}

series::VolumeGeometry volumeOf(const series::SeriesStack& s) {
    series::VolumeBuild b = series::buildVolume(s);
    EXPECT_TRUE(b.volume.has_value()) << b.problem;
    return std::move(*b.volume);
}

// Every voxel centre maps to its patient position and back.
void expectRoundTrips(const series::VolumeGeometry& g) {
    for (int k = 0; k < g.sliceCount(); ++k) {
        for (auto [c, r] : {std::pair{0, 0}, std::pair{g.columns() - 1, 2}, std::pair{3, 5}}) {
            const Vec3 voxel{static_cast<double>(c), static_cast<double>(r),
                             static_cast<double>(k)};
            const Vec3 p = g.patientFromVoxel(voxel);
            const auto& s = g.slices()[static_cast<std::size_t>(k)];
            expectNear(p, s.position + (c * g.columnSpacing()) * g.rowDirection() +
                              (r * g.rowSpacing()) * g.columnDirection());
            expectNear(g.voxelFromPatient(p), voxel);
        }
    }
    // And points between voxels.
    for (const Vec3 v : {Vec3{1.25, 2.5, 0.3}, Vec3{6.9, 0.1, 1.5}, Vec3{-0.4, 4.2, 2.75}}) {
        expectNear(g.voxelFromPatient(g.patientFromVoxel(v)), v, 1e-9);
    }
}

// A slice whose stored values say where they are: slice * 10000 + row * 100 + column.
struct Labelled {
    std::vector<model::PixelBuffer> buffers;
    std::vector<pixel::VolumeSlice> slices;
};
Labelled labelled(const series::VolumeGeometry& g) {
    Labelled l;
    l.buffers.reserve(static_cast<std::size_t>(g.sliceCount()));
    for (int k = 0; k < g.sliceCount(); ++k) {
        model::PixelBuffer b(model::SampleType::I32, g.columns(), g.rows(), 1, 1, false);
        for (int r = 0; r < g.rows(); ++r) {
            for (int c = 0; c < g.columns(); ++c) {
                b.set(0, static_cast<std::size_t>(r) * g.columns() + c, k * 10000 + r * 100 + c);
            }
        }
        l.buffers.push_back(std::move(b));
    }
    for (auto& b : l.buffers) {
        pixel::VolumeSlice s;
        s.buffer = &b;
        l.slices.push_back(s);
    }
    return l;
}

}  // namespace

TEST(Volume, EvenAxialSeries) {
    const auto g = volumeOf(stackAt(along(5, {10, -20, 30}, {0, 0, -2})));
    EXPECT_TRUE(g.even());
    EXPECT_EQ(g.sliceCount(), 5);
    EXPECT_DOUBLE_EQ(g.sliceSpacing(), 2);
    EXPECT_DOUBLE_EQ(g.finestSpacing(), 0.5);
    EXPECT_NEAR(g.tiltDegrees(), 0, 1e-9);
    expectNear(g.normal(), Vec3{0, 0, 1});
    // Head first: slice 0 is the highest.
    EXPECT_DOUBLE_EQ(g.slices().front().position[2], 30);
    expectNear(g.patientFromVoxel({3, 5, 2}), Vec3{10 + 3 * 0.75, -20 + 5 * 0.5, 26});
    expectRoundTrips(g);
    // Corners: voxel edges, half a slice beyond the ends.
    const auto c = g.corners();
    expectNear(c[0], Vec3{10 - 0.375, -20 - 0.25, 31});
    expectNear(c[7], Vec3{10 + 7.5 * 0.75, -20 + 5.5 * 0.5, 21});
    expectNear(g.center(), Vec3{10 + 3.5 * 0.75, -20 + 2.5 * 0.5, 26});
    // One slab sample per voxel along the axis the normal crosses.
    EXPECT_NEAR(g.slabSpacing({0, 0, 1}), 2, 1e-12);
    EXPECT_NEAR(g.slabSpacing({0, 1, 0}), 0.5, 1e-12);
    EXPECT_NEAR(g.slabSpacing({1, 0, 0}), 0.75, 1e-12);
}

TEST(Volume, ReversedOrderGivesTheSameVolume) {
    auto positions = along(6, {0, 0, 0}, {0, 0, 1.5});  // feet first in the files
    const auto a = volumeOf(stackAt(positions));
    std::reverse(positions.begin(), positions.end());
    const auto b = volumeOf(stackAt(positions));
    for (int k = 0; k < 6; ++k) {
        expectNear(a.slices()[static_cast<std::size_t>(k)].position,
                   b.slices()[static_cast<std::size_t>(k)].position);
    }
    expectNear(a.patientFromVoxel({1, 1, 1}), b.patientFromVoxel({1, 1, 1}));
    EXPECT_DOUBLE_EQ(a.slices().front().position[2], 7.5);
    // The stack frame each slice shows: the files' order, reversed.
    EXPECT_EQ(a.slices().front().frame, 5);
    EXPECT_EQ(b.slices().front().frame, 0);
    EXPECT_EQ(a.sliceOfFrame(5), 0);
}

TEST(Volume, UnevenSpacingAndGapsAreSampledWhereTheSlicesAre) {
    // z = 10, 9, 8, 4 (a gap of 4), 3.5, 2.5 (uneven).
    std::vector<Vec3> p;
    for (double z : {10.0, 9.0, 8.0, 4.0, 3.5, 2.5}) {
        p.push_back({0, 0, z});
    }
    const auto g = volumeOf(stackAt(p));
    EXPECT_FALSE(g.even());
    EXPECT_DOUBLE_EQ(g.sliceSpacing(), 1);
    expectRoundTrips(g);
    // The slice coordinate is piecewise between the real positions.
    EXPECT_NEAR(g.voxelFromPatient({0, 0, 6})[2], 2.5, 1e-12);  // half way across the gap
    EXPECT_NEAR(g.voxelFromPatient({0, 0, 3.75})[2], 3.5, 1e-12);
    EXPECT_NEAR(g.voxelFromPatient({0, 0, 3})[2], 4.5, 1e-12);
    EXPECT_DOUBLE_EQ(g.corners()[0][2], 10.5);  // half the first gap beyond
    EXPECT_DOUBLE_EQ(g.corners()[7][2], 2.0);

    // An axial plane samples the nearest real slice: 6.1 -> z 8 (slice 2), 5.9 -> z 4.
    const Labelled l = labelled(g);
    for (auto [z, want] : {std::pair{6.1, 2}, std::pair{5.9, 3}, std::pair{3.76, 3},
                           std::pair{3.74, 4}, std::pair{10.4, 0}, std::pair{2.1, 5}}) {
        const pixel::PlaneView view =
            g.fitView(pixel::standardPlane(pixel::PlaneKind::Axial, {0, 0, z}));
        ASSERT_EQ(view.width, 12);  // 8 columns of 0.75 mm in 0.5 mm pixels
        const auto s = pixel::sampleVolume(g.grid(), l.slices, g.sampling(view), 4, 3, 0, false);
        ASSERT_EQ(s.state, pixel::VolumeSample::State::Value) << z;
        EXPECT_EQ(s.slice, want) << z;
        EXPECT_EQ(static_cast<int>(s.value) / 10000, want) << z;
    }
    // Beyond half the end gaps: outside.
    for (double z : {10.6, 1.9}) {
        const pixel::PlaneView view =
            g.fitView(pixel::standardPlane(pixel::PlaneKind::Axial, {0, 0, z}));
        EXPECT_EQ(pixel::sampleVolume(g.grid(), l.slices, g.sampling(view), 4, 3, 0, false).state,
                  pixel::VolumeSample::State::Outside)
            << z;
    }
    // Trilinear across the gap: weights by distance to the two real slices.
    const pixel::PlaneView at5 =
        g.fitView(pixel::standardPlane(pixel::PlaneKind::Axial, {0, 0, 5}));
    const pixel::PlaneSampling s5 = g.sampling(at5);
    const auto near = pixel::sampleVolume(g.grid(), l.slices, s5, 4, 3, 0, false);
    const auto lin = pixel::sampleVolume(g.grid(), l.slices, s5, 4, 3, 0, true);
    ASSERT_EQ(lin.state, pixel::VolumeSample::State::Value);
    const double inPlane = std::fmod(near.value, 10000);
    EXPECT_NEAR(lin.value - inPlane, 0.25 * 20000 + 0.75 * 30000, 1e-6 + 100);
}

TEST(Volume, GantryTiltIsAShearedGrid) {
    // Slices tilted 20 degrees about x, stepping along z (the table): not along their normal.
    const double t = 20 * 3.14159265358979323846 / 180;
    const std::array<double, 6> tilted{1, 0, 0, 0, std::cos(t), -std::sin(t)};
    const auto g = volumeOf(stackAt(along(7, {0, 0, 0}, {0, 0, -3}), tilted));
    EXPECT_TRUE(g.even());
    EXPECT_NEAR(g.tiltDegrees(), 20, 1e-9);
    EXPECT_NEAR(g.sliceSpacing(), 3 * std::cos(t), 1e-12);  // along the normal
    expectRoundTrips(g);
    // Voxel (0, 0, k) is slice k's first voxel: the shear follows the positions.
    for (int k = 0; k < 7; ++k) {
        expectNear(g.patientFromVoxel({0, 0, static_cast<double>(k)}), Vec3{0, 0, -3.0 * k});
    }
    // A tilted and unevenly spaced stack: per-slice offsets, still exact at the voxel centres.
    std::vector<Vec3> p;
    for (double z : {0.0, -3.0, -6.0, -10.0, -12.0}) {
        p.push_back({0, 0, z});
    }
    const auto u = volumeOf(stackAt(p, tilted));
    EXPECT_FALSE(u.even());
    expectRoundTrips(u);
}

TEST(Volume, SagittalAcquisition) {
    // Rows along +y (posterior), columns down (-z): the normal points to the patient's right.
    const std::array<double, 6> sagittal{0, 1, 0, 0, 0, -1};
    const auto g = volumeOf(stackAt(along(4, {-6, -10, 40}, {2, 0, 0}), sagittal));
    EXPECT_TRUE(g.even());
    expectNear(g.normal(), Vec3{-1, 0, 0});
    expectRoundTrips(g);
    expectNear(g.patientFromVoxel({2, 3, 0}),
               g.slices().front().position + Vec3{0, 2 * 0.75, -3 * 0.5});
    // Its "axial" plane is a reformat: the axial view of the volume covers x and y.
    const pixel::PlaneView axial =
        g.fitView(pixel::standardPlane(pixel::PlaneKind::Axial, g.center()));
    EXPECT_EQ(axial.width, 16);   // x: 4 slices of 2 mm in 0.5 mm pixels
    EXPECT_EQ(axial.height, 12);  // y: 8 columns of 0.75 mm
    // The slab step along x is the slice spacing.
    EXPECT_NEAR(g.slabSpacing({1, 0, 0}), 2, 1e-12);
}

TEST(Volume, EnhancedPerFrameFunctionalGroups) {
    // One object of 5 frames; Plane Position (Patient) per frame, in no particular order, and the
    // orientation and spacing in the shared groups (here: the top level).
    auto in = header({0, 0, 0});
    in->pixel.frames = 5;
    in->geometry.position.reset();
    for (double z : {4.0, 0.0, 2.0, 8.0, 6.0}) {
        model::FrameAttributes f;
        f.position = std::array<double, 3>{1, 2, z};
        in->frameAttributes.push_back(f);
    }
    series::SeriesStack s;
    s.instances.push_back(in);
    const auto g = volumeOf(s);
    EXPECT_EQ(g.sliceCount(), 5);
    EXPECT_TRUE(g.even());
    EXPECT_DOUBLE_EQ(g.sliceSpacing(), 2);
    // Sorted along the normal, each slice knows its frame.
    const int frames[5] = {3, 4, 0, 2, 1};
    for (int k = 0; k < 5; ++k) {
        EXPECT_EQ(g.slices()[static_cast<std::size_t>(k)].instanceFrame, frames[k]) << k;
        EXPECT_DOUBLE_EQ(g.slices()[static_cast<std::size_t>(k)].position[2], 8 - 2.0 * k);
    }
    expectRoundTrips(g);
}

TEST(Volume, StacksThatFormNoVolumeSayWhy) {
    auto problem = [](const series::SeriesStack& s) {
        const series::VolumeBuild b = series::buildVolume(s);
        EXPECT_FALSE(b.volume.has_value());
        EXPECT_EQ(b.problem.find('\n'), std::string::npos);
        return b.problem;
    };
    EXPECT_EQ(problem(stackAt({{0, 0, 0}})), "fewer than 2 slices");
    auto mixed = stackAt(along(3, {0, 0, 0}, {0, 0, 1}));
    mixed.instances.push_back(header({0, 0, 5}, {0, 1, 0, 0, 0, -1}));
    EXPECT_NE(problem(mixed).find("mixed orientations (image 4"), std::string::npos);
    auto duplicates = stackAt({{0, 0, 0}, {0, 0, 1}, {0, 0, 1}, {0, 0, 2}});
    EXPECT_NE(problem(duplicates).find("2 images at one position"), std::string::npos);
    auto noPosition = stackAt(along(3, {0, 0, 0}, {0, 0, 1}));
    std::const_pointer_cast<model::Instance>(noPosition.instances[1])->geometry.position.reset();
    EXPECT_NE(problem(noPosition).find("no Image Position (Patient)"), std::string::npos);
    auto noSpacing = stackAt(along(3, {0, 0, 0}, {0, 0, 1}));
    for (auto& i : noSpacing.instances) {
        std::const_pointer_cast<model::Instance>(i)->geometry.pixelSpacing.reset();
    }
    EXPECT_NE(problem(noSpacing).find("no Pixel Spacing"), std::string::npos);
    auto colour = stackAt(along(3, {0, 0, 0}, {0, 0, 1}));
    for (auto& i : colour.instances) {
        auto& p = std::const_pointer_cast<model::Instance>(i)->pixel;
        p.samplesPerPixel = 3;
        p.photometric = model::Photometric::Rgb;
    }
    EXPECT_NE(problem(colour).find("colour"), std::string::npos);
    auto inPlane = stackAt(along(3, {0, 0, 0}, {1, 0, 0}));  // positions along the rows
    EXPECT_NE(problem(inPlane).find("at one position"), std::string::npos);
}

TEST(Plane, RadiologicalConventions) {
    using pixel::PlaneKind;
    const Vec3 at{1, 2, 3};
    const pixel::Plane axial = pixel::standardPlane(PlaneKind::Axial, at);
    const pixel::Plane coronal = pixel::standardPlane(PlaneKind::Coronal, at);
    const pixel::Plane sagittal = pixel::standardPlane(PlaneKind::Sagittal, at);
    // Axial from the feet: patient right on the screen's left, anterior up.
    EXPECT_EQ(pixel::patientDirection(axial.right), "L");
    EXPECT_EQ(pixel::patientDirection(-1.0 * axial.right), "R");
    EXPECT_EQ(pixel::patientDirection(-1.0 * axial.down), "A");
    expectNear(axial.normal(), Vec3{0, 0, 1});
    // Coronal from the front: right on the left, head up.
    EXPECT_EQ(pixel::patientDirection(-1.0 * coronal.right), "R");
    EXPECT_EQ(pixel::patientDirection(-1.0 * coronal.down), "H");
    // Sagittal from the patient's left: anterior on the left, head up.
    EXPECT_EQ(pixel::patientDirection(-1.0 * sagittal.right), "A");
    EXPECT_EQ(pixel::patientDirection(-1.0 * sagittal.down), "H");
    expectNear(sagittal.normal(), Vec3{-1, 0, 0});
    EXPECT_EQ(pixel::patientDirection({0.7, -0.6, 0.2}), "LA");
    EXPECT_EQ(pixel::parsePlaneKind("coronal"), PlaneKind::Coronal);
    EXPECT_FALSE(pixel::parsePlaneKind("frontal").has_value());
}

TEST(Plane, ObliqueRotationAndViews) {
    std::string why;
    EXPECT_FALSE(pixel::obliquePlane({0, 0, 0}, {1, 0, 0}, {2, 0, 0}, &why).has_value());
    EXPECT_NE(why.find("parallel"), std::string::npos);
    EXPECT_FALSE(pixel::obliquePlane({0, 0, 0}, {0, 0, 0}, {0, 1, 0}, &why).has_value());
    // Down is made orthogonal to right, both unit.
    const pixel::Plane p = *pixel::obliquePlane({5, 5, 5}, {2, 0, 0}, {1, 3, 0});
    expectNear(p.right, Vec3{1, 0, 0});
    expectNear(p.down, Vec3{0, 1, 0});
    // Rotating about the normal keeps the plane; about another axis tilts it, orthonormal.
    const pixel::Plane turned = pixel::rotated(p, p.normal(), 0.7);
    expectNear(turned.normal(), p.normal());
    const pixel::Plane tilted = pixel::rotated(p, {1, 1, 0}, 0.4);
    EXPECT_NEAR(pixel::dot(tilted.right, tilted.down), 0, 1e-12);
    EXPECT_NEAR(pixel::length(tilted.normal()), 1, 1e-12);
    expectNear(pixel::moved(p, 2.5).point, Vec3{5, 5, 7.5});

    // A view: pixel centres, screen <-> patient both ways, zoom about a point, pan, rotation
    // keeping the crosshair where it was.
    pixel::PlaneView v;
    v.plane = pixel::standardPlane(pixel::PlaneKind::Coronal, {0, 10, 0});
    v.origin = {-50, 10, 40};
    v.mmPerPixel = 0.5;
    v.width = 200;
    v.height = 160;
    expectNear(v.patientAt(0.5, 0.5), Vec3{-49.75, 10, 39.75});
    const auto s = v.screenOf({-20, 10, 10});
    EXPECT_DOUBLE_EQ(s[0], 60);
    EXPECT_DOUBLE_EQ(s[1], 60);
    const pixel::PlaneView z = pixel::zoomedAbout(v, 60, 60, 2);
    EXPECT_DOUBLE_EQ(z.mmPerPixel, 0.25);
    expectNear(z.patientAt(60, 60), Vec3{-20, 10, 10});
    expectNear(pixel::panned(v, 10, -4).patientAt(70, 56), v.patientAt(60, 60));
    const pixel::PlaneView r = pixel::rotated(v, {0, 1, 0}, 0.3);
    const auto before = v.screenOf(v.plane.point);
    const auto after = r.screenOf(r.plane.point);
    EXPECT_NEAR(after[0], before[0], 1e-9);
    EXPECT_NEAR(after[1], before[1], 1e-9);
    EXPECT_NEAR(pixel::moved(v, 3).distance(v.plane.point), -3, 1e-12);
    // The crosshair set from another viewport: the plane passes through it, and it shows where
    // the in-plane mapping puts it.
    const Vec3 cross{-20, 14, 10};
    const pixel::PlaneView through = pixel::throughPoint(v, cross);
    EXPECT_NEAR(through.distance(cross), 0, 1e-12);
    expectNear(through.plane.point, cross);
    expectNear(through.patientAt(60, 60), cross);

    // Fitting a box: square pixels covering it, centred.
    std::array<Vec3, 8> box{};
    for (int i = 0; i < 8; ++i) {
        box[static_cast<std::size_t>(i)] = {(i & 1) ? 10.0 : 0.0, (i & 2) ? 6.0 : 0.0,
                                            (i & 4) ? 3.0 : 0.0};
    }
    const pixel::PlaneView fit =
        pixel::fitPlane(pixel::standardPlane(pixel::PlaneKind::Axial, {0, 0, 1}), box, 0.5);
    EXPECT_EQ(fit.width, 20);
    EXPECT_EQ(fit.height, 12);
    expectNear(fit.origin, Vec3{0, 0, 1});
    const pixel::PlaneView boxed =
        pixel::fitPlane(pixel::standardPlane(pixel::PlaneKind::Axial, {0, 0, 1}), box, 0.5, 40, 40);
    EXPECT_DOUBLE_EQ(boxed.mmPerPixel, 0.25);
    expectNear(boxed.origin, Vec3{0, -2, 1});  // letterboxed: 6 mm of 10 centred
}

TEST(Reformat, FixedPointIsExactEnoughAndTiesGoUp) {
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> base(-3000, 3000);
    std::uniform_real_distribution<double> step(-9, 9);
    double worst = 0;
    for (int i = 0; i < 2000; ++i) {
        const double b = base(rng), dx = step(rng), dy = step(rng), dj = step(rng) / 4;
        const pixel::FixedLinear f = pixel::FixedLinear::make(b, dx, dy, dj);
        for (auto [x, y, j] : {std::array<int, 3>{0, 0, 0}, std::array<int, 3>{16383, 1, 0},
                               std::array<int, 3>{211, 16383, 300}}) {
            const double want = b + x * dx + y * dy + j * dj;
            if (std::abs(want) > 30000) {
                continue;
            }
            worst = std::max(
                worst, std::abs(f.at(static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y),
                                     static_cast<std::uint32_t>(j)) /
                                    65536.0 -
                                want));
        }
    }
    EXPECT_LT(worst, 4.0 / 65536);  // a few 2^-16 voxel at the far corner of a 16384^2 output
    EXPECT_EQ(pixel::nearestFixed(-32768), 0);  // -0.5: a tie goes up
    EXPECT_EQ(pixel::nearestFixed(-32769), -1);
    EXPECT_EQ(pixel::nearestFixed(32768), 1);
    EXPECT_EQ(pixel::nearestFixed(32767), 0);
    EXPECT_EQ(pixel::floorFixed(-1), -1);
    EXPECT_EQ(pixel::floorFixed(-65536), -1);
    EXPECT_EQ(pixel::floorFixed(-65537), -2);
    // A base far away wraps, and only the coarse test may look at it.
    const pixel::FixedLinear far = pixel::FixedLinear::make(1e6, 0, 0, 0);
    EXPECT_DOUBLE_EQ(far.approx(0, 0, 0), 1e6);
}

TEST(Reformat, AxialPlaneOfAnAxialSeriesIsTheSlice) {
    const auto g = volumeOf(stackAt(along(5, {10, -20, 30}, {0, 0, -2})));
    const Labelled l = labelled(g);
    // Through slice 2's centre, square pixels of 0.75 mm (the columns): one voxel each column.
    const pixel::PlaneView view = pixel::fitPlane(
        pixel::standardPlane(pixel::PlaneKind::Axial, {0, 0, 26}), g.corners(), 0.75);
    ASSERT_EQ(view.width, 8);
    const pixel::PlaneSampling s = g.sampling(view);
    for (int x = 0; x < view.width; ++x) {
        for (int y = 0; y < view.height; ++y) {
            const auto v = pixel::sampleVolume(g.grid(), l.slices, s, x, y, 0, false);
            ASSERT_EQ(v.state, pixel::VolumeSample::State::Value);
            EXPECT_EQ(v.slice, 2);
            EXPECT_EQ(v.column, x);
            EXPECT_EQ(v.row, static_cast<int>(std::floor((y + 0.5) * 0.75 / 0.5 - 0.25)));
        }
    }
    // A MIP slab of 4 mm there: slices 1-3, the largest label is slice 3's; MinIP slice 1's.
    const pixel::PlaneSampling mip = g.sampling(view, 4, pixel::Projection::Mip);
    EXPECT_EQ(mip.samples, 3);
    EXPECT_DOUBLE_EQ(mip.sampleSpacing, 2);
    const auto v = pixel::planeValue(g.grid(), l.slices, mip, 3, 2, false);
    EXPECT_EQ(v.at.slice, 3);
    EXPECT_EQ(v.source, 0);  // the first sample, below the plane (the normal points headwards)
    EXPECT_EQ(static_cast<int>(v.value) / 10000, 3);
    const auto min = pixel::planeValue(g.grid(), l.slices,
                                       g.sampling(view, 4, pixel::Projection::MinIp), 3, 2, false);
    EXPECT_EQ(min.at.slice, 1);
    EXPECT_EQ(static_cast<int>(min.value) / 10000, 1);
    const auto mean = pixel::planeValue(g.grid(), l.slices,
                                        g.sampling(view, 4, pixel::Projection::Mean), 3, 2, false);
    EXPECT_EQ(mean.count, 3);
    EXPECT_EQ(mean.at.slice, 2);  // the plane's own voxel
    EXPECT_DOUBLE_EQ(mean.value, (v.value + min.value) / 2);
    // Whole-volume slabs are clipped to the volume.
    EXPECT_LE(g.sampling(view, 1e9, pixel::Projection::Mean).samples, 7);
    EXPECT_GE(g.sampling(view, 1e9, pixel::Projection::Mean).samples, 5);
    EXPECT_EQ(
        g.sampling(view, std::numeric_limits<double>::infinity(), pixel::Projection::Mean).samples,
        g.sampling(view, 1e9, pixel::Projection::Mean).samples);
    // Slices not loaded are missing, not values.
    Labelled gaps = labelled(g);
    gaps.slices[2].buffer = nullptr;
    EXPECT_EQ(pixel::sampleVolume(g.grid(), gaps.slices, s, 3, 3, 0, false).state,
              pixel::VolumeSample::State::Missing);
    const std::vector<int> read = pixel::slicesRead(g.grid(), mip, 3, 2, true);
    EXPECT_EQ(read, (std::vector<int>{1, 2, 3}));
}

// The outline a plane draw shades is conservative: no pixel beyond it reaches the volume, for
// even, uneven and tilted stacks, oblique planes and slabs.
TEST(Reformat, NothingBeyondTheOutlineIsInside) {
    const double t = 20 * 3.14159265358979323846 / 180;
    const std::array<double, 6> tilted{1, 0, 0, 0, std::cos(t), -std::sin(t)};
    std::vector<Vec3> irregular;
    for (double z : {0.0, -3.0, -6.0, -10.0, -12.0}) {
        irregular.push_back({0, 0, z});
    }
    irregular[2] = irregular[2] + Vec3{2.5, -1.5, 0};  // a slice shifted in-plane
    for (const auto& g : {volumeOf(stackAt(along(5, {0, 0, 0}, {0, 0, -2}))),
                          volumeOf(stackAt(irregular, tilted))}) {
        const Labelled l = labelled(g);
        const pixel::Plane oblique = *pixel::obliquePlane(g.center(), {1, 0.4, 0.3}, {0, 0.3, -1});
        for (const auto& view :
             {g.fitView(pixel::standardPlane(pixel::PlaneKind::Coronal, g.center()), 60, 50),
              g.fitView(oblique, 70, 60)}) {
            for (auto projection : {pixel::Projection::None, pixel::Projection::Mip}) {
                const pixel::PlaneSampling s = g.sampling(view, 50, projection);
                int inside = 0;
                for (int y = 0; y < s.height; ++y) {
                    for (int x = 0; x < s.width; ++x) {
                        const bool in =
                            x >= s.cover[0] && x < s.cover[2] && y >= s.cover[1] && y < s.cover[3];
                        const auto v = pixel::planeValue(g.grid(), l.slices, s, x, y, true);
                        if (v.state != pixel::VolumeSample::State::Outside) {
                            ++inside;
                            EXPECT_TRUE(in) << x << "," << y;
                        }
                    }
                }
                EXPECT_GT(inside, 100);
            }
        }
    }
}

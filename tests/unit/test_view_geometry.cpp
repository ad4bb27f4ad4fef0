// The GL-free geometry of the viewer: flips and rotations (screen <-> image, both ways), the
// layout grid, slice matching for linked scrolling, reference lines, the change tracker.

#include <gtest/gtest.h>

#include <cmath>

#include "pixel/orientation.hpp"
#include "viewer/change_tracker.hpp"
#include "viewer/commands.hpp"
#include "viewer/layout.hpp"
#include "viewer/slice_geometry.hpp"

using namespace dcmlens;

namespace {

// Where image pixel (ix, iy) of a w x h image shows on a screen of one pixel per image pixel.
std::pair<int, int> shownAt(const pixel::Orientation& o, int w, int h, int ix, int iy) {
    const int sw = o.swapsAxes() ? h : w;
    const int sh = o.swapsAxes() ? w : h;
    for (int y = 0; y < sh; ++y) {
        for (int x = 0; x < sw; ++x) {
            int u = 0, v = 0;
            pixel::outputToViewPixel(o, sw, sh, x, y, u, v);
            if (u == ix && v == iy) {
                return {x, y};
            }
        }
    }
    return {-1, -1};
}

}  // namespace

TEST(Orientation, TurnsAsTheScreenShowsThem) {
    // A 4 x 3 image: where does its top-left pixel go, and its top-right one?
    using O = pixel::Orientation;
    EXPECT_EQ(shownAt(O{}, 4, 3, 0, 0), std::make_pair(0, 0));
    EXPECT_EQ(shownAt(O{1, false}, 4, 3, 0, 0), std::make_pair(2, 0));  // 90 cw: to the top right
    EXPECT_EQ(shownAt(O{1, false}, 4, 3, 3, 0), std::make_pair(2, 3));  // top right to bottom right
    EXPECT_EQ(shownAt(O{2, false}, 4, 3, 0, 0), std::make_pair(3, 2));
    EXPECT_EQ(shownAt(O{3, false}, 4, 3, 0, 0), std::make_pair(0, 3));  // 270 cw: bottom left
    EXPECT_EQ(shownAt(O{0, true}, 4, 3, 0, 0), std::make_pair(3, 0));   // mirrored
    // The command line's order: the flip applies to the image first, then the rotation.
    const O hThen90 = O::fromFlipAndRotation('h', 90);
    EXPECT_EQ(shownAt(hThen90, 4, 3, 0, 0), std::make_pair(2, 3));  // -> top right -> bottom right
    const O v = O::fromFlipAndRotation('v', 0);
    EXPECT_EQ(shownAt(v, 4, 3, 0, 0), std::make_pair(0, 2));  // bottom left
    EXPECT_EQ(O::fromFlipAndRotation('v', 270), (O{1, true}));
    EXPECT_EQ(O::fromFlipAndRotation(std::nullopt, 180).describe(), "rotate 180");
    EXPECT_EQ(hThen90.describe(), "flip h, rotate 90");
}

TEST(Orientation, EveryTransformMapsEveryPixelOnceAndPointsBothWays) {
    for (const auto& o : pixel::Orientation::all()) {
        const int w = 7;
        const int h = 5;
        const int vw = pixel::viewWidth(o, w, h);
        const int vh = pixel::viewHeight(o, w, h);
        std::vector<int> hits(static_cast<std::size_t>(vw * vh), 0);
        const pixel::PixelTransform t = pixel::pixelTransform(o, w, h);
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                int u = 0, v = 0;
                pixel::outputToViewPixel(o, w, h, x, y, u, v);
                ASSERT_TRUE(u >= 0 && v >= 0 && u < vw && v < vh) << o.describe();
                hits[static_cast<std::size_t>(v * vw + u)] += 1;
                // The shader's affine form gives the same pixel.
                EXPECT_EQ(t.a00 * x + t.a01 * y + t.b0, u) << o.describe();
                EXPECT_EQ(t.a10 * x + t.a11 * y + t.b1, v) << o.describe();
                // The continuous mapping agrees at the pixel's centre, and inverts.
                double cu = 0, cv = 0, bx = 0, by = 0;
                pixel::outputToView(o, w, h, x + 0.5, y + 0.5, cu, cv);
                EXPECT_DOUBLE_EQ(cu, u + 0.5);
                EXPECT_DOUBLE_EQ(cv, v + 0.5);
                pixel::viewToOutput(o, w, h, cu, cv, bx, by);
                EXPECT_DOUBLE_EQ(bx, x + 0.5);
                EXPECT_DOUBLE_EQ(by, y + 0.5);
            }
        }
        for (int count : hits) {
            EXPECT_EQ(count, 1) << o.describe();  // a permutation of the pixels
        }
        double du = 0, dv = 0, dx = 0, dy = 0;
        pixel::outputDeltaToView(o, 3, -2, du, dv);
        pixel::viewDeltaToOutput(o, du, dv, dx, dy);
        EXPECT_DOUBLE_EQ(dx, 3);
        EXPECT_DOUBLE_EQ(dy, -2);
    }
}

TEST(ViewState, ScreenToImageAndBackForEveryTransformZoomAndPan) {
    viewer::ViewContext ctx;
    ctx.viewportWidth = 640;
    ctx.viewportHeight = 480;
    ctx.imageWidth = 200;
    ctx.imageHeight = 150;
    ctx.pixelAspect = 1.25;
    for (const auto& o : pixel::Orientation::all()) {
        for (bool fit : {true, false}) {
            viewer::ViewState s;
            s.orientation = o;
            s.fit = fit;
            s.zoom = 2.3;
            s.panX = 17;
            s.panY = -9;
            for (auto [sx, sy] : {std::pair{0.0, 0.0}, {320.5, 240.5}, {633.25, 12.75}}) {
                double ix = 0, iy = 0, bx = 0, by = 0;
                viewer::viewportToImage(s, ctx, sx, sy, ix, iy);
                viewer::imageToViewport(s, ctx, ix, iy, bx, by);
                EXPECT_NEAR(bx, sx, 1e-9) << o.describe();
                EXPECT_NEAR(by, sy, 1e-9) << o.describe();
            }
            // The renderer's mapping names the same image point for an output pixel's centre.
            const pixel::ViewMapping m = viewer::viewMapping(s, ctx);
            int u = 0, v = 0;
            pixel::outputToViewPixel(o, ctx.viewportWidth, ctx.viewportHeight, 100, 50, u, v);
            double ix = 0, iy = 0;
            viewer::viewportToImage(s, ctx, 100.5, 50.5, ix, iy);
            EXPECT_NEAR((u + 0.5 - m.offsetX) * m.scaleX, ix, 1e-9);
            EXPECT_NEAR((v + 0.5 - m.offsetY) * m.scaleY, iy, 1e-9);
        }
    }
}

TEST(ViewState, TurningKeepsTheImagePointAtTheCentreAndPansFollowTheScreen) {
    viewer::ViewContext ctx;
    ctx.viewportWidth = 600;
    ctx.viewportHeight = 400;
    ctx.imageWidth = 300;
    ctx.imageHeight = 200;
    viewer::ViewState s;
    s.fit = false;
    s.zoom = 2;
    s.panX = 40;
    s.panY = 10;
    double cx = 0, cy = 0;
    viewer::viewportToImage(s, ctx, 300, 200, cx, cy);
    for (auto turn : {viewer::rotateClockwise, viewer::flipHorizontally, viewer::rotateClockwise,
                      viewer::flipVertically, viewer::rotateCounterClockwise}) {
        turn(s);
        double ix = 0, iy = 0;
        viewer::viewportToImage(s, ctx, 300, 200, ix, iy);
        EXPECT_NEAR(ix, cx, 1e-9);
        EXPECT_NEAR(iy, cy, 1e-9);
    }
    // Under any orientation a pan of (+40, +30) screen pixels moves an image point by that much.
    double ax = 0, ay = 0, bx = 0, by = 0;
    viewer::imageToViewport(s, ctx, 10, 20, ax, ay);
    viewer::pan(s, 40, 30);
    viewer::imageToViewport(s, ctx, 10, 20, bx, by);
    EXPECT_NEAR(bx - ax, 40, 1e-9);
    EXPECT_NEAR(by - ay, 30, 1e-9);
}

TEST(Layout, GridsTileTheAreaInReadingOrder) {
    const viewer::Rect area{0, 20, 901, 757};
    for (const viewer::Grid& g : viewer::standardGrids()) {
        const auto cells = viewer::gridCells(g, area, 2);
        ASSERT_EQ(static_cast<int>(cells.size()), g.count());
        double covered = 0;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const auto& c = cells[i];
            EXPECT_EQ(c.x, std::floor(c.x));  // whole pixels
            EXPECT_EQ(c.width, std::floor(c.width));
            EXPECT_GE(c.x, area.x);
            EXPECT_LE(c.x + c.width, area.x + area.width);
            EXPECT_LE(c.y + c.height, area.y + area.height);
            covered += c.width * c.height;
            for (std::size_t j = 0; j < i; ++j) {  // no overlap
                const auto& d = cells[j];
                const bool apart = c.x >= d.x + d.width || d.x >= c.x + c.width ||
                                   c.y >= d.y + d.height || d.y >= c.y + c.height;
                EXPECT_TRUE(apart) << g.name() << " cells " << i << " and " << j;
            }
        }
        EXPECT_GT(covered, 0.97 * area.width * area.height) << g.name();
        // Reading order: the second cell is right of the first in a row, below it in a column.
        if (g.columns > 1) {
            EXPECT_GT(cells[1].x, cells[0].x);
        } else if (g.rows > 1) {
            EXPECT_GT(cells[1].y, cells[0].y);
        }
        EXPECT_EQ(viewer::cellAt(cells, cells.back().x + 1, cells.back().y + 1),
                  std::optional<int>(g.count() - 1));
    }
    EXPECT_EQ(viewer::parseGrid("2x2"), (std::optional<viewer::Grid>(viewer::Grid{2, 2})));
    EXPECT_FALSE(viewer::parseGrid("4x4"));
    EXPECT_EQ(viewer::clampPanelWidth(2000, 800, 260), 360);  // the image keeps 55 % at 800 px
    EXPECT_EQ(viewer::clampPanelWidth(100, 1280, 260), 260);
}

namespace {

// An axial stack: slices at z = z0 + k dz (k = 0..n-1), row direction +x, column direction +y.
viewer::StackPlanes axialStack(int n, double z0, double dz, const std::string& frame = "1.2.3") {
    viewer::StackPlanes s;
    for (int k = 0; k < n; ++k) {
        viewer::SlicePlane p;
        p.origin = {-100, -100, z0 + k * dz};
        p.row = {1, 0, 0};
        p.column = {0, 1, 0};
        p.normal = {0, 0, 1};
        p.columns = p.rows = 200;
        p.frameOfReference = frame;
        s.frames.push_back(p);
    }
    return s;
}

viewer::SlicePlane sagittal(double x) {
    viewer::SlicePlane p;
    p.origin = {x, -100, 50};  // rows go down (-z), columns go posterior (+y)
    p.row = {0, 1, 0};
    p.column = {0, 0, -1};
    p.normal = {-1, 0, 0};
    p.columns = 200;
    p.rows = 100;
    p.frameOfReference = "1.2.3";
    return p;
}

}  // namespace

TEST(SliceSync, FollowsThePatientPositionWhateverTheSpacingOrderAndCount) {
    const auto a = axialStack(40, 0, 2.5);               // z 0 .. 97.5
    const auto finer = axialStack(100, 0, 1);            // z 0 .. 99
    const auto reversed = axialStack(30, 90, -3);        // z 90 .. 3
    const auto other = axialStack(40, 0, 2.5, "9.9.9");  // another frame of reference
    using viewer::SyncMode;
    // A at slice 10 (z = 25): the finer stack's nearest is z = 25 (frame 25).
    EXPECT_EQ(viewer::followFrame(a, 10, finer, SyncMode::Position, 0, 0), 25);
    // Reversed order: z = 25 is nearest to 24 (frame 22) or 27 (frame 21): 24 is 1 mm away.
    EXPECT_EQ(viewer::followFrame(a, 10, reversed, SyncMode::Position, 0, 0), 22);
    // A per-pair offset of +10 mm along B's normal.
    EXPECT_EQ(viewer::followFrame(a, 10, finer, SyncMode::Position, 10, 0), 35);
    // Beyond the end: the last slice.
    EXPECT_EQ(viewer::followFrame(a, 39, axialStack(10, 0, 1), SyncMode::Position, 0, 0), 9);
    // No common frame of reference: not by position; by index only when asked.
    EXPECT_FALSE(viewer::followFrame(a, 10, other, SyncMode::Position, 0, 0));
    EXPECT_EQ(viewer::followFrame(a, 10, other, SyncMode::Index, 0, 3), 13);
    EXPECT_EQ(viewer::followFrame(a, 39, other, SyncMode::Index, 0, 3), 39);  // clamped
    // An orthogonal stack (sagittal) is not linked by position.
    viewer::StackPlanes sag;
    sag.frames.push_back(sagittal(0));
    EXPECT_FALSE(viewer::linkableByPosition(a, sag));
    EXPECT_TRUE(viewer::linkableByPosition(a, finer));
}

TEST(ReferenceLine, AxialSliceOnASagittalImageIsTheRowOfItsHeight) {
    // The axial slice at z = 20 cuts the sagittal plane x = 0 along z = 20: on the sagittal
    // image (rows going down from z = 50, 1 mm apart), the row whose centre is z = 20 is row 30:
    // centre of row r at y = r + 0.5 means z = 50 - (y - 0.5), so y = 30.5.
    const auto axial = *axialStack(1, 20, 1).frames[0];
    const auto line = viewer::referenceLine(axial, sagittal(0));
    ASSERT_TRUE(line);
    EXPECT_NEAR(line->y0, 30.5, 1e-9);
    EXPECT_NEAR(line->y1, 30.5, 1e-9);
    // Across the sagittal image's columns where both images overlap (y -100 .. 100: all of it).
    EXPECT_NEAR(std::min(line->x0, line->x1), 0, 1e-9);
    EXPECT_NEAR(std::max(line->x0, line->x1), 200, 1e-9);
    // The sagittal slice at x = 0 on the axial image: the column whose centre is x = 0:
    // x = -100 + (ix - 0.5), ix = 100.5; only where the sagittal extends (y -100..100, all).
    const auto back = viewer::referenceLine(sagittal(0), axial);
    ASSERT_TRUE(back);
    EXPECT_NEAR(back->x0, 100.5, 1e-9);
    EXPECT_NEAR(back->x1, 100.5, 1e-9);
    // Parallel slices have no line; a slice outside the other's extent neither.
    EXPECT_FALSE(viewer::referenceLine(axial, *axialStack(1, 30, 1).frames[0]));
    EXPECT_FALSE(viewer::referenceLine(*axialStack(1, 80, 1).frames[0], sagittal(0)));
}

TEST(ReferenceLine, ObliquePlaneAgainstAHandComputedLine) {
    // A plane through the point (0, 0, 10) with normal (0, 1, 1)/sqrt(2) cuts the axial plane
    // z = 0 where y + z = 10, i.e. y = 10: on the axial image row iy with y = -100 + iy - 0.5.
    viewer::SlicePlane oblique;
    oblique.origin = {-100, -50, 60};
    oblique.row = {1, 0, 0};
    oblique.column = {0, std::sqrt(0.5), -std::sqrt(0.5)};
    oblique.normal = {0, std::sqrt(0.5), std::sqrt(0.5)};
    oblique.columns = oblique.rows = 200;
    oblique.frameOfReference = "1.2.3";
    ASSERT_NEAR(oblique.distance({0, 0, 10}), 0, 1e-9);
    const auto axial = *axialStack(1, 0, 1).frames[0];
    const auto line = viewer::referenceLine(oblique, axial);
    ASSERT_TRUE(line);
    EXPECT_NEAR(line->y0, 110.5, 1e-9);
    EXPECT_NEAR(line->y1, 110.5, 1e-9);
}

TEST(ChangeTracker, RemakesOnlyWhatChanged) {
    // Two viewports' render keys: changing one viewport's window changes its key only.
    struct Key {
        double center, width;
        int frame;
        bool operator==(const Key& o) const {
            return center == o.center && width == o.width && frame == o.frame;
        }
    };
    viewer::ChangeTracker<Key> a;
    viewer::ChangeTracker<Key> b;
    EXPECT_TRUE(a.changed({40, 400, 0}));  // first: made
    EXPECT_TRUE(b.changed({40, 400, 0}));
    EXPECT_FALSE(a.changed({40, 400, 0}));  // the same: not again
    EXPECT_FALSE(b.changed({40, 400, 0}));
    EXPECT_TRUE(a.changed({40, 450, 0}));  // a's window changed
    EXPECT_FALSE(b.changed({40, 400, 0}));
    EXPECT_TRUE(b.differs({40, 400, 1}));
    EXPECT_TRUE(b.differs({40, 400, 1}));  // differs() accepts nothing
    b.accept({40, 400, 1});
    EXPECT_FALSE(b.changed({40, 400, 1}));
}

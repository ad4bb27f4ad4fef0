// Multiplanar reformatting on the GPU held to the CPU reference (pixel/reformat.hpp): for the same
// volume, plane and pipeline, nearest sampling gives identical levels and trilinear (and the slab
// mean) at most one level apart on at most 0.01 % of the pixels; both storages of the stack
// (array textures and llvmpipe's shared-memory buffer textures), one chunk of layers and several.
// Changing the plane, slab, projection or window uploads nothing.

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>

#include "common/error.hpp"
#include "io/png_writer.hpp"
#include "pixel/level_thresholds.hpp"
#include "pixel/plane.hpp"
#include "pixel/reformat.hpp"
#include "render/renderer.hpp"
#include "series/volume.hpp"
#include "session/stack_session.hpp"
#include "test_support.hpp"

using namespace dcmlens;
using Storage = render::Renderer::Storage;
using pixel::Projection;
using pixel::Vec3;

namespace {

// A volume of `count` slices of `columns` x `rows` signed 16-bit values (smooth structures and
// noise), each slice at positions[k], with per-slice rescale slopes when `rescales` is set.
struct Volume {
    series::SeriesStack stack;
    std::vector<std::shared_ptr<const model::Instance>> decoded;  // kept: the CPU's copy
};

Volume makeVolume(int columns, int rows, const std::vector<Vec3>& positions,
                  const std::array<double, 6>& orientation, bool perSliceRescale = false,
                  unsigned seed = 7) {
    Volume v;
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(-40, 40);
    for (std::size_t k = 0; k < positions.size(); ++k) {
        auto in = std::make_shared<model::Instance>();
        in->path = "mpr:" + std::to_string(k + 1);
        in->modalityCode = "CT";
        in->seriesInstanceUid = "mpr";
        in->pixel.rows = rows;
        in->pixel.columns = columns;
        in->pixel.bitsAllocated = in->pixel.bitsStored = 16;
        in->pixel.highBit = 15;
        in->pixel.isSigned = true;
        in->modality.hasRescale = true;
        in->modality.slope = perSliceRescale ? 1 + static_cast<double>(k % 3) : 1;
        in->modality.intercept = perSliceRescale ? -static_cast<double>(k % 5) * 7 : -1024;
        in->geometry.position =
            std::array<double, 3>{positions[k][0], positions[k][1], positions[k][2]};
        in->geometry.orientation = orientation;
        in->geometry.pixelSpacing = std::array<double, 2>{0.8, 0.7};
        in->geometry.instanceNumber = static_cast<int>(k) + 1;
        in->stored = model::PixelBuffer(model::SampleType::I16, columns, rows, 1, 1, false);
        for (int y = 0; y < rows; ++y) {
            for (int x = 0; x < columns; ++x) {
                const double s = 600 * std::sin(x * 0.31 + static_cast<double>(k) * 0.45) *
                                 std::cos(y * 0.23 - static_cast<double>(k) * 0.2);
                in->stored.set(0, static_cast<std::size_t>(y) * columns + x,
                               static_cast<std::int64_t>(std::lround(s)) + noise(rng) + 1024);
            }
        }
        v.decoded.push_back(in);
        v.stack.instances.push_back(in);
    }
    v.stack.seriesUid = "mpr";
    return v;
}

std::vector<Vec3> line(int count, const Vec3& first, const Vec3& step) {
    std::vector<Vec3> out;
    for (int k = 0; k < count; ++k) {
        out.push_back(first + static_cast<double>(k) * step);
    }
    return out;
}

// The CPU's slices: every slice of the volume from the decoded copy.
std::vector<pixel::VolumeSlice> cpuSlices(const Volume& v, const series::VolumeGeometry& g,
                                          const std::vector<char>& loaded = {}) {
    std::vector<pixel::VolumeSlice> out;
    for (const auto& s : g.slices()) {
        const model::Instance& in = *v.decoded[s.instance];
        pixel::VolumeSlice slice;
        if (loaded.empty() || loaded[static_cast<std::size_t>(s.frame)]) {
            slice.buffer = &in.stored;
        }
        slice.frame = 0;
        slice.modality = pixel::ModalityTransform(in.modalityFor(0), in.pixel);
        out.push_back(slice);
    }
    return out;
}

struct Diff {
    int maxDiff = 0;
    std::size_t differing = 0;
    std::size_t pixels = 0;
    std::size_t missingMismatch = 0;
    std::size_t missing = 0;
    std::size_t unexplained = 0;  // differences that are not float-vs-double ties
};

class Mpr : public ::testing::TestWithParam<Storage> {
protected:
    void SetUp() override {
        if (GetParam() == Storage::SharedMemory && !renderer.sharesMemory(1)) {
            ASSERT_EQ(gl.description().find("llvmpipe"), std::string::npos)
                << "llvmpipe without GL_AMD_pinned_memory";
            GTEST_SKIP() << "this driver has no GL_AMD_pinned_memory";
        }
    }
    headless::EglContext& gl = gputest::context();
    render::Renderer renderer{render::Renderer::Limits{0, GetParam()}, std::filesystem::path()};

public:
    static void loadAll(session::StackSession& s) {
        for (int i = 0; i < 10000 && !s.allResident(); ++i) {
            if (s.pump(64 << 20) == 0) {
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
        }
        const auto errors = s.takeErrors();
        ASSERT_TRUE(s.allResident()) << (errors.empty() ? "" : errors.front());
    }

    // The same view drawn by the session (GPU) and by the CPU reference, compared.
    static Diff compareView(session::StackSession& s, const Volume& v, const pixel::PlaneView& view,
                            double slab, Projection projection,
                            const pixel::DisplayOptions& options, bool linear,
                            const std::vector<char>& loaded = {}) {
        const series::VolumeGeometry& g = *s.volume();
        render::Framebuffer target(view.width, view.height);
        target.bind();
        s.drawPlane(view, slab, projection, options, linear);
        std::vector<std::uint8_t> alpha;
        const bool grey = options.colormap == "gray";
        const pixel::Image gpu = target.read(grey ? 1 : 3, &alpha);
        const pixel::PlaneImage cpu = pixel::renderPlane(
            g.grid(), cpuSlices(v, g, loaded), g.sampling(view, slab, projection),
            s.planePipeline(options), options.colormap, linear);
        Diff d;
        const pixel::LevelThresholds thresholds = pixel::levelThresholds(s.planePipeline(options));
        if (std::getenv("MPR_DEBUG")) {
            static int n = 0;
            io::writePng("/tmp/mprdbg/" + std::to_string(n) + "gpu.png", gpu);
            io::writePng("/tmp/mprdbg/" + std::to_string(n++) + "cpu.png", cpu.image);
            std::printf("%d: %dx%d chunks %d samples %d\n", n - 1, view.width, view.height,
                        (s.image()->layers()), g.sampling(view, slab, projection).samples);
        }
        d.pixels = static_cast<std::size_t>(view.width) * view.height;
        for (std::size_t i = 0; i < d.pixels; ++i) {
            const bool gpuMissing = alpha[i] == 0;
            d.missing += gpuMissing ? 1 : 0;
            if (gpuMissing != (cpu.missing[i] != 0)) {
                ++d.missingMismatch;
            }
            int worst = 0;
            for (int c = 0; c < gpu.channels; ++c) {
                const std::size_t k =
                    i * static_cast<std::size_t>(gpu.channels) + static_cast<std::size_t>(c);
                worst = std::max(worst, std::abs(gpu.data[k] - cpu.image.data[k]));
            }
            d.maxDiff = std::max(d.maxDiff, worst);
            d.differing += worst > 0 ? 1 : 0;
            if (worst > 0) {
                // A difference must be a float-vs-double tie: the value sits on the threshold
                // between the two levels (pixel/level_thresholds.hpp).
                const int x = static_cast<int>(i % static_cast<std::size_t>(view.width));
                const int y = static_cast<int>(i / static_cast<std::size_t>(view.width));
                const auto pv = pixel::planeValue(g.grid(), cpuSlices(v, g, loaded),
                                                  g.sampling(view, slab, projection), x, y, linear);
                const int a = gpu.data[i * static_cast<std::size_t>(gpu.channels)];
                const int b = cpu.image.data[i * static_cast<std::size_t>(gpu.channels)];
                const double t = thresholds.at[static_cast<std::size_t>(std::max(a, b))];
                if (!grey || std::abs(pv.value - t) > 1e-4 * (std::abs(pv.value) + 1)) {
                    ++d.unexplained;
                    std::printf("differs at %d,%d: gpu %d cpu %d, value %.9g, threshold %.9g\n", x,
                                y, a, b, pv.value, t);
                }
            }
        }
        return d;
    }
};

pixel::DisplayOptions window(double c, double w) {
    pixel::DisplayOptions o;
    o.windowMode = pixel::DisplayOptions::WindowMode::Explicit;
    o.center = c;
    o.width = w;
    return o;
}

void expectExact(const Diff& d, const std::string& what) {
    EXPECT_EQ(d.missingMismatch, 0u) << what;
    EXPECT_EQ(d.unexplained, 0u) << what;
    EXPECT_EQ(d.differing, 0u) << what << " (max " << d.maxDiff << ")";
}

// Trilinear and the slab mean are float sums on the GPU: at most one level apart, only at values
// on a level threshold (a tie float and double round apart), on at most 0.01 % of the pixels (or
// 2 pixels of these small images).
void expectClose(const Diff& d, const std::string& what) {
    EXPECT_EQ(d.missingMismatch, 0u) << what;
    EXPECT_EQ(d.unexplained, 0u) << what;
    EXPECT_TRUE(d.maxDiff == 0 ||
                (d.maxDiff <= 1 && (d.differing * 10000 <= d.pixels || d.differing <= 2)))
        << what << ": max " << d.maxDiff << ", " << d.differing << " of " << d.pixels;
}

// The planes every geometry is tried with: the three standard ones through the centre, an
// oblique one, and a slab of each projection.
struct Case {
    std::string name;
    pixel::PlaneView view;
    double slab = 0;
    Projection projection = Projection::None;
};

std::vector<Case> casesFor(const series::VolumeGeometry& g) {
    std::vector<Case> out;
    const Vec3 c = g.center() + Vec3{0.37, -0.21, 0.13};  // off the voxel grid
    for (auto kind :
         {pixel::PlaneKind::Axial, pixel::PlaneKind::Coronal, pixel::PlaneKind::Sagittal}) {
        out.push_back({pixel::planeKindName(kind), g.fitView(pixel::standardPlane(kind, c))});
    }
    const pixel::Plane oblique = *pixel::obliquePlane(c, {0.9, 0.3, 0.2}, {-0.1, 0.5, -0.8});
    out.push_back({"oblique", g.fitView(oblique, 97, 83)});
    const pixel::PlaneView coronal = g.fitView(pixel::standardPlane(pixel::PlaneKind::Coronal, c));
    out.push_back({"coronal MIP 9 mm", coronal, 9, Projection::Mip});
    out.push_back({"oblique MinIP whole", g.fitView(oblique, 61, 67), 1000, Projection::MinIp});
    out.push_back({"axial mean 6 mm", g.fitView(pixel::standardPlane(pixel::PlaneKind::Axial, c)),
                   6, Projection::Mean});
    return out;
}

void checkAll(session::StackSession& s, const Volume& v, const std::string& label,
              bool exactLinear = false) {
    ASSERT_NE(s.volume(), nullptr) << label << ": " << s.volumeProblem();
    pixel::DisplayOptions w;
    w.windowMode = pixel::DisplayOptions::WindowMode::MinMax;  // over the whole volume
    for (const Case& c : casesFor(*s.volume())) {
        for (bool linear : {false, true}) {
            const std::string what = label + " " + c.name + (linear ? " linear" : " nearest");
            const Diff d = Mpr::compareView(s, v, c.view, c.slab, c.projection, w, linear);
            EXPECT_LT(d.missing, 1u) << what;
            if (!linear && c.projection != Projection::Mean) {
                expectExact(d, what);
            } else if (exactLinear) {
                expectExact(d, what);
            } else {
                expectClose(d, what);
            }
        }
    }
}

}  // namespace

namespace dcmlens::render {
void PrintTo(Renderer::Storage storage, std::ostream* out);
}  // namespace dcmlens::render

INSTANTIATE_TEST_SUITE_P(Storage, Mpr, ::testing::Values(Storage::Textures, Storage::SharedMemory),
                         [](const ::testing::TestParamInfo<Storage>& info) {
                             return std::string(info.param == Storage::Textures ? "Textures"
                                                                                : "SharedMemory");
                         });

constexpr std::array<double, 6> kAxial{1, 0, 0, 0, 1, 0};

TEST_P(Mpr, EvenAxialSeriesEqualsTheCpu) {
    const Volume v = makeVolume(37, 29, line(23, {-10, -12, 30}, {0, 0, -1.5}), kAxial);
    session::StackSession s(renderer, v.stack);
    loadAll(s);
    ASSERT_TRUE(s.volume()->even());
    checkAll(s, v, "even");
}

TEST_P(Mpr, UnevenTiltedReversedAndSagittalSeriesEqualTheCpu) {
    // Gaps and uneven spacing: the per-slice table.
    std::vector<Vec3> uneven;
    double z = 10;
    for (int k = 0; k < 19; ++k) {
        uneven.push_back({-5, -4, z});
        z -= (k % 4 == 3) ? 3.5 : (k % 3 == 1 ? 1.0 : 1.25);
    }
    const Volume a = makeVolume(31, 27, uneven, kAxial, true);
    session::StackSession sa(renderer, a.stack);
    loadAll(sa);
    ASSERT_FALSE(sa.volume()->even());
    checkAll(sa, a, "uneven");

    // Gantry tilt (positions step off the normal): a sheared grid, even.
    const double tilt = 15 * 3.14159265358979 / 180;
    const std::array<double, 6> tilted{1, 0, 0, 0, std::cos(tilt), -std::sin(tilt)};
    const Volume b = makeVolume(33, 25, line(17, {-8, -6, 12}, {0, 0, -2}), tilted);
    session::StackSession sb(renderer, b.stack);
    loadAll(sb);
    ASSERT_TRUE(sb.volume()->even());
    EXPECT_NEAR(sb.volume()->tiltDegrees(), 15, 0.01);
    checkAll(sb, b, "tilted");

    // A sagittal acquisition in reversed file order (the stack sorts, the volume follows).
    const std::array<double, 6> sagittal{0, 1, 0, 0, 0, -1};
    std::vector<Vec3> xs = line(15, {-20, -9, 14}, {2.2, 0, 0});
    std::reverse(xs.begin(), xs.end());
    const Volume c = makeVolume(29, 35, xs, sagittal);
    session::StackSession sc(renderer, c.stack);
    loadAll(sc);
    checkAll(sc, c, "sagittal");
}

// Several chunks of layers bound at once (small chunks forced), both storages.
TEST_P(Mpr, ManyChunksOfLayersEqualTheCpu) {
    render::Renderer::Limits limits{0, GetParam()};
    limits.chunkBytes = 4 * 37 * 29 * 2;   // textures: 4 layers a chunk, but at most 16 chunks
    limits.maxBufferTexels = 5 * 37 * 29;  // shared memory: 5 layers a chunk
    render::Renderer chunked(limits, std::filesystem::path());
    const Volume v = makeVolume(37, 29, line(23, {-10, -12, 30}, {0, 0, -1.5}), kAxial);
    session::StackSession s(chunked, v.stack);
    loadAll(s);
    ASSERT_NE(s.volume(), nullptr) << s.volumeProblem();
    checkAll(s, v, "chunked");
}

// Slices not loaded yet are missing (alpha 0 on the GPU, flagged on the CPU), never a value:
// while a stack loads, and outside the window of a stack over its memory budget.
TEST_P(Mpr, SlicesNotLoadedAreMissingNotData) {
    const Volume v = makeVolume(37, 29, line(23, {-10, -12, 30}, {0, 0, -1.5}), kAxial);
    session::StackSession s(renderer, v.stack, 11);
    for (int i = 0; i < 6; ++i) {
        s.pump(1);  // one image a call
    }
    std::vector<char> loaded(23, 0);
    int count = 0;
    for (int f = 0; f < 23; ++f) {
        loaded[static_cast<std::size_t>(f)] = s.resident(f) ? 1 : 0;
        count += loaded[static_cast<std::size_t>(f)];
    }
    ASSERT_GT(count, 0);
    ASSERT_LT(count, 23);
    const series::VolumeGeometry& g = *s.volume();
    const pixel::PlaneView coronal =
        g.fitView(pixel::standardPlane(pixel::PlaneKind::Coronal, g.center()));
    pixel::DisplayOptions o;
    o.windowMode = pixel::DisplayOptions::WindowMode::MinMax;
    for (bool linear : {false, true}) {
        const Diff d = compareView(s, v, coronal, 0, Projection::None, o, linear, loaded);
        EXPECT_EQ(d.missingMismatch, 0u);
        EXPECT_GT(d.missing, 0u);
        EXPECT_LT(d.missing, d.pixels);
        EXPECT_EQ(d.differing, 0u);
        // A MIP through missing slices is missing too.
        const Diff m = compareView(s, v, coronal, 8, Projection::Mip, o, linear, loaded);
        EXPECT_EQ(m.missingMismatch, 0u);
        EXPECT_GE(m.missing, d.missing);
    }
    // The axial plane through a loaded slice has nothing missing; through another, all of it.
    int shown = 0;
    while (!s.resident(shown)) {
        ++shown;
    }
    const int k = g.sliceOfFrame(shown);
    const pixel::Plane on = pixel::standardPlane(pixel::PlaneKind::Axial,
                                                 g.slices()[static_cast<std::size_t>(k)].position);
    const Diff d = compareView(s, v, g.fitView(on), 0, Projection::None, o, false, loaded);
    EXPECT_EQ(d.missing, 0u);
    EXPECT_EQ(d.missingMismatch, 0u);

    // A stack over the budget: slices outside its window stay missing once loaded.
    const std::uint64_t frameBytes = 37 * 29 * 2;
    session::MemoryBudget budget;
    budget.hostBytes = budget.gpuBytes = 8 * frameBytes;
    session::StackSession w(renderer, v.stack, 11, budget);
    ASSERT_TRUE(w.windowed());
    loadAll(w);
    ASSERT_NE(w.volume(), nullptr);
    std::vector<char> window(23, 0);
    for (int f = 0; f < 23; ++f) {
        window[static_cast<std::size_t>(f)] = w.resident(f) ? 1 : 0;
    }
    const Diff wd = compareView(w, v, coronal, 0, Projection::None, o, false, window);
    EXPECT_EQ(wd.missingMismatch, 0u);
    EXPECT_GT(wd.missing, 0u);
    EXPECT_EQ(wd.differing, 0u);
}

// Once the slices are resident, planes, crosshair moves, rotations, slabs, projections,
// interpolation and windows are uniforms: nothing is uploaded. A slice arriving costs its
// 16-byte table entry, once.
TEST_P(Mpr, PlaneSlabProjectionAndWindowChangesUploadNothing) {
    const Volume v = makeVolume(37, 29, line(23, {-10, -12, 30}, {0, 0, -1.5}), kAxial);
    session::StackSession s(renderer, v.stack);
    const series::VolumeGeometry& g = *s.volume();
    pixel::PlaneView view = g.fitView(pixel::standardPlane(pixel::PlaneKind::Axial, g.center()));
    render::Framebuffer target(view.width, view.height);
    target.bind();
    s.pump(1);
    s.drawPlane(view, 0, Projection::None, window(0, 1000), false);
    std::uint64_t before = renderer.uploadedBytes();
    s.pump(1);  // another slice: its table entry goes up with the next draw
    const std::uint64_t afterPump = renderer.uploadedBytes();
    s.drawPlane(view, 0, Projection::None, window(0, 1000), false);
    EXPECT_GT(renderer.uploadedBytes(), afterPump);
    EXPECT_LE(renderer.uploadedBytes() - afterPump, 256u * 16u);
    loadAll(s);
    s.drawPlane(view, 0, Projection::None, window(0, 1000), false);  // the last entries
    before = renderer.uploadedBytes();
    int draws = 0;
    for (int step = 0; step < 12; ++step) {
        view = pixel::moved(view, 0.7);
        view = pixel::rotated(view, {0.2, 0.5, 0.1}, 0.15);
        for (auto projection :
             {Projection::None, Projection::Mip, Projection::MinIp, Projection::Mean}) {
            s.drawPlane(view, 2.0 + step, projection, window(step * 10.0, 900 + step), step % 2);
            ++draws;
        }
    }
    glFinish();
    EXPECT_EQ(draws, 48);
    EXPECT_EQ(renderer.uploadedBytes(), before);
}

// A view zoomed so far out that its corners lie beyond the 16.16 range: the coarse float test
// keeps those points out (the shader variant that has it), GPU = CPU still, and the volume is
// where it should be.
TEST_P(Mpr, FarZoomedOutViewsStayExact) {
    const Volume v = makeVolume(37, 29, line(23, {-10, -12, 30}, {0, 0, -1.5}), kAxial);
    session::StackSession s(renderer, v.stack);
    loadAll(s);
    const series::VolumeGeometry& g = *s.volume();
    pixel::PlaneView view =
        g.fitView(pixel::standardPlane(pixel::PlaneKind::Coronal, g.center()), 1400, 600);
    view = pixel::zoomedAbout(view, 700.5, 300.5, view.mmPerPixel / (g.columnSpacing() * 60));
    const pixel::PlaneSampling sampling = g.sampling(view);
    ASSERT_TRUE(pixel::needsCoarseTest(sampling));
    pixel::DisplayOptions o;
    o.windowMode = pixel::DisplayOptions::WindowMode::MinMax;
    for (bool linear : {false, true}) {
        const Diff d = compareView(s, v, view, 0, Projection::None, o, linear);
        EXPECT_EQ(d.differing, 0u);
        EXPECT_EQ(d.missingMismatch, 0u);
    }
    std::size_t inside = 0;
    const auto slices = cpuSlices(v, g);
    for (int y = 0; y < view.height; ++y) {
        for (int x = 0; x < view.width; ++x) {
            inside += pixel::planeValue(g.grid(), slices, sampling, x, y, false).state ==
                              pixel::VolumeSample::State::Value
                          ? 1
                          : 0;
        }
    }
    EXPECT_GT(inside, 0u);  // the volume, a few pixels in the middle
    EXPECT_LT(inside, 20u);
    // A view of the usual size needs no coarse test.
    EXPECT_FALSE(pixel::needsCoarseTest(g.sampling(g.fitView(view.plane))));
}

// The shader held to src/pixel/: for the same inputs, the GPU output read back from an FBO must
// equal the CPU reference. Runs on whatever OpenGL EGL gives (Mesa llvmpipe in CI); never skips.
// Tolerance, as the issue states it: identical, or at most 1 grey level apart on at most 0.01 % of
// the pixels (float32 against float64 at exact boundaries). The level thresholds make it 0 here.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "dicom/stored_values.hpp"
#include "headless/egl_context.hpp"
#include "pixel/auto_window.hpp"
#include "pixel/render.hpp"
#include "render/program_cache.hpp"
#include "render/renderer.hpp"
#include "render_both.hpp"
#include "test_support.hpp"

using namespace dcmlens;

namespace {

using gputest::Both;
using gputest::compare;
using gputest::context;
using gputest::Diff;
using gputest::renderBoth;
using gputest::withinTolerance;

Both renderBoth1to1(render::Renderer& renderer, const model::Instance& instance,
                    const model::PixelBuffer& buffer, int frame,
                    const pixel::DisplayOptions& options) {
    auto gpuImage = renderer.upload(buffer);
    return renderBoth(renderer, *gpuImage, instance, {buffer, frame, frame}, options,
                      buffer.width(), buffer.height(), {}, false, frame);
}

// A greyscale instance around a buffer, for synthetic cases.
model::Instance grayInstance(int bitsStored, bool isSigned) {
    model::Instance in;
    in.pixel.bitsAllocated = bitsStored <= 8 ? 8 : 16;
    in.pixel.bitsStored = bitsStored;
    in.pixel.highBit = bitsStored - 1;
    in.pixel.isSigned = isSigned;
    return in;
}

using Mode = pixel::DisplayOptions::WindowMode;

pixel::DisplayOptions window(double c, double w,
                             model::VoiFunction fn = model::VoiFunction::Linear) {
    pixel::DisplayOptions o;
    o.windowMode = Mode::Explicit;
    o.center = c;
    o.width = w;
    o.voiFunction = fn;
    return o;
}

struct MatrixResult {
    int imageFiles = 0;
    int cases = 0;
    int worst = 0;
    std::size_t differing = 0;
};

// Every image of pydicom's corpus x every window in the file (or min-max) x {LINEAR,
// LINEAR_EXACT, SIGMOID} x {as is, inverse} x {gray, viridis}; colour images as they are: each
// drawn by `renderer` and by the CPU, held to the tolerance. `print`: the table.
MatrixResult corpusMatrix(render::Renderer& renderer, bool print) {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(DCMLENS_CORPUS)) {
        if (e.path().extension() == ".dcm") {
            files.push_back(e.path().string());
        }
    }
    std::sort(files.begin(), files.end());
    if (print) {
        std::printf("%-40s %-32s %7s %9s\n", "file", "case", "maxdiff", "differing");
    }
    int cases = 0;
    int worst = 0;
    std::size_t differing = 0;
    int imageFiles = 0;
    for (const std::string& path : files) {
        std::unique_ptr<dicom::DicomFile> file;
        model::PixelBuffer buffer;
        try {
            file = std::make_unique<dicom::DicomFile>(path);
            if (!file->hasImage()) {
                continue;
            }
            buffer = file->decodeFrame(0);
        } catch (const Error&) {
            continue;  // malformed files: covered by the bad-input tests
        }
        ++imageFiles;
        const model::Instance& in = file->instance();
        auto gpuImage = renderer.upload(buffer);
        std::vector<std::pair<std::string, pixel::DisplayOptions>> variants;
        const bool color =
            buffer.samples() == 3 || in.pixel.photometric == model::Photometric::PaletteColor;
        if (color) {
            variants.emplace_back("colour", pixel::DisplayOptions{});
        } else {
            const auto& windows = in.windowsFor(0);
            const int count = std::max<int>(1, static_cast<int>(windows.size()));
            for (int w = 0; w < count; ++w) {
                for (auto fn : {model::VoiFunction::Linear, model::VoiFunction::LinearExact,
                                model::VoiFunction::Sigmoid}) {
                    for (bool inverse : {false, true}) {
                        for (const char* map : {"gray", "viridis"}) {
                            pixel::DisplayOptions o;
                            if (windows.empty()) {
                                auto range = pixel::modalityRange(
                                    buffer, 0,
                                    pixel::ModalityTransform(in.modalityFor(0), in.pixel),
                                    in.padding);
                                const auto mm =
                                    pixel::minMaxWindow(range.value_or(pixel::ValueRange{0, 1}));
                                o.windowMode = Mode::Explicit;
                                o.center = mm.center;
                                o.width = mm.width;
                            } else {
                                o.windowMode = Mode::Index;
                                o.windowIndex = w;
                            }
                            o.voiFunction = fn;
                            if (inverse) {
                                o.presentation = model::PresentationShape::Inverse;
                            }
                            o.colormap = map;
                            char label[96];
                            std::snprintf(label, sizeof label, "%s %d %s%s %s",
                                          windows.empty() ? "minmax" : "window", w + 1,
                                          model::voiFunctionName(fn), inverse ? " inv" : "", map);
                            variants.emplace_back(label, o);
                        }
                    }
                }
            }
        }
        for (const auto& [label, o] : variants) {
            const Both b = renderBoth(renderer, *gpuImage, in, {buffer, 0, 0}, o, buffer.width(),
                                      buffer.height(), {}, false, 0);
            const Diff d = compare(b.gpu, b.cpu);
            ++cases;
            worst = std::max(worst, d.maxDiff);
            differing += d.differing;
            if (print && (d.maxDiff > 0 || label == variants.front().first)) {
                std::printf("%-40s %-32s %7d %9zu\n",
                            std::filesystem::path(path).filename().c_str(), label.c_str(),
                            d.maxDiff, d.differing);
            }
            EXPECT_TRUE(withinTolerance(d)) << path << " " << label;
        }
    }
    return {imageFiles, cases, worst, differing};
}

}  // namespace

using Storage = render::Renderer::Storage;

namespace dcmlens::render {
// Test names and messages say which storage, not the enum's bytes.
void PrintTo(Renderer::Storage storage, std::ostream* out) {
    *out << (storage == Renderer::Storage::Textures ? "textures" : "shared memory");
}
}  // namespace dcmlens::render

// Every test runs with both kinds of stored-value storage: textures, and the host memory that
// llvmpipe samples in place (texture buffers over GL_AMD_pinned_memory).
class Gpu : public ::testing::TestWithParam<Storage> {
protected:
    void SetUp() override {
        if (GetParam() == Storage::SharedMemory && !renderer.sharesMemory(1)) {
            // llvmpipe (CI) has the extension: there the shared-memory tests must run.
            ASSERT_EQ(context().description().find("llvmpipe"), std::string::npos)
                << "llvmpipe without GL_AMD_pinned_memory";
            GTEST_SKIP() << "this driver has no GL_AMD_pinned_memory";
        }
    }
    headless::EglContext& gl = context();  // before the renderer: it needs a current context
    // No program cache: every test compiles what it draws, whatever earlier runs stored.
    render::Renderer renderer{render::Renderer::Limits{0, GetParam()}, std::filesystem::path()};
};

INSTANTIATE_TEST_SUITE_P(Storage, Gpu, ::testing::Values(Storage::Textures, Storage::SharedMemory),
                         [](const ::testing::TestParamInfo<Storage>& info) {
                             return std::string(info.param == Storage::Textures ? "Textures"
                                                                                : "SharedMemory");
                         });

TEST_P(Gpu, ContextIsRealOpenGl) {
    const std::string description = context().description();
    std::printf("GL: %s\n", description.c_str());
    EXPECT_FALSE(description.empty());
}

TEST_P(Gpu, EveryUnsignedAndSignedSixteenBitValue) {
    for (bool isSigned : {false, true}) {
        model::Instance in = grayInstance(16, isSigned);
        model::PixelBuffer buffer(isSigned ? model::SampleType::I16 : model::SampleType::U16, 256,
                                  256, 1, 1, false);
        for (std::size_t i = 0; i < 65536; ++i) {
            buffer.set(
                0, i,
                isSigned ? static_cast<std::int64_t>(i) - 32768 : static_cast<std::int64_t>(i));
        }
        const double lo = isSigned ? -32768 : 0;
        for (auto fn : {model::VoiFunction::Linear, model::VoiFunction::LinearExact,
                        model::VoiFunction::Sigmoid}) {
            for (bool inverse : {false, true}) {
                auto o = window(lo + 32768, 65536, fn);
                if (inverse) {
                    o.presentation = model::PresentationShape::Inverse;
                }
                const Both b = renderBoth1to1(renderer, in, buffer, 0, o);
                const Diff d = compare(b.gpu, b.cpu);
                EXPECT_EQ(d.maxDiff, 0)
                    << "signed " << isSigned << " fn " << int(fn) << " inverse " << inverse;
            }
        }
    }
}

TEST_P(Gpu, JunkHighBitsAreMaskedBeforeTheGpu) {
    // Bits Stored 12 in 16-bit words whose top 4 bits are junk: the decoder masks them.
    std::mt19937 rng(7);
    std::vector<std::uint16_t> words(64 * 64);
    for (auto& w : words) {
        w = static_cast<std::uint16_t>(rng());
    }
    dicom::RawLayout layout{64, 64, 1, 16, 12, 11, false, false};
    model::PixelBuffer buffer(model::SampleType::U16, 64, 64, 1, 1, false);
    dicom::unpackStoredValues(reinterpret_cast<const std::uint8_t*>(words.data()), words.size() * 2,
                              layout, buffer, 0);
    const model::Instance in = grayInstance(12, false);
    const Both b = renderBoth1to1(renderer, in, buffer, 0, window(2048, 4096));
    EXPECT_EQ(compare(b.gpu, b.cpu).maxDiff, 0);
}

TEST_P(Gpu, RescaleLutsWidthOneAndPolarity) {
    model::Instance in = grayInstance(12, true);
    model::PixelBuffer buffer(model::SampleType::I16, 64, 32, 1, 1, false);
    for (std::size_t i = 0; i < buffer.frameSampleCount(); ++i) {
        buffer.set(0, i, static_cast<std::int64_t>(i) * 2 - 2048);
    }
    auto check = [&](const model::Instance& instance, const pixel::DisplayOptions& o,
                     const char* what) {
        const Both b = renderBoth1to1(renderer, instance, buffer, 0, o);
        const Diff d = compare(b.gpu, b.cpu);
        EXPECT_EQ(d.maxDiff, 0) << what << ": " << d.differing << " pixels differ";
    };
    model::Instance negative = in;
    negative.modality.hasRescale = true;
    negative.modality.slope = -1;
    negative.modality.intercept = 100;
    check(negative, window(0, 1000), "negative slope");
    check(in, window(0, 1), "width 1");
    check(in, window(0.5, 1), "width 1 between values");

    model::Lut voiLut;
    voiLut.firstMapped = -1000;
    voiLut.bits = 12;
    for (int i = 0; i < 2001; ++i) {
        voiLut.entries.push_back(
            static_cast<std::uint16_t>(std::lround(4095.0 * std::pow(i / 2000.0, 0.5))));
    }
    model::Instance withVoiLut = in;
    withVoiLut.voi.luts.push_back(std::make_shared<const model::Lut>(voiLut));
    pixel::DisplayOptions useLut;
    useLut.voiLutIndex = 0;
    check(withVoiLut, useLut, "VOI LUT, negative first mapped value");
    useLut.presentation = model::PresentationShape::Inverse;
    check(withVoiLut, useLut, "VOI LUT inverted");

    model::Lut modalityLut;
    modalityLut.firstMapped = -500;
    modalityLut.bits = 16;
    for (int i = 0; i < 1000; ++i) {
        modalityLut.entries.push_back(static_cast<std::uint16_t>(i * i % 60000));
    }
    model::Instance withModalityLut = in;
    withModalityLut.modality.lut = std::make_shared<const model::Lut>(modalityLut);
    check(withModalityLut, window(30000, 50000), "Modality LUT, negative first mapped value");
    check(withModalityLut, pixel::DisplayOptions{}, "Modality LUT, min-max");

    model::Instance mono1 = in;
    mono1.pixel.photometric = model::Photometric::Monochrome1;
    check(mono1, window(0, 2000), "MONOCHROME1");
    mono1.presentationShape = model::PresentationShape::Identity;
    check(mono1, window(0, 2000), "MONOCHROME1 with IDENTITY");
    mono1.presentationShape = model::PresentationShape::Inverse;
    check(mono1, window(0, 2000), "MONOCHROME1 with INVERSE");
    pixel::DisplayOptions none;
    none.windowMode = Mode::None;
    check(in, none, "no VOI");
    pixel::DisplayOptions hot = window(0, 3000);
    hot.colormap = "hot";
    check(in, hot, "hot colormap");
}

TEST_P(Gpu, PaletteAndYbr) {
    model::Instance pal;
    pal.pixel.photometric = model::Photometric::PaletteColor;
    pal.pixel.bitsStored = 16;
    auto palette = std::make_shared<model::Palette>();
    for (model::Lut* l : {&palette->red, &palette->green, &palette->blue}) {
        l->firstMapped = 100;
        l->bits = 16;
    }
    for (int i = 0; i < 4096; ++i) {
        palette->red.entries.push_back(static_cast<std::uint16_t>(i * 16));
        palette->green.entries.push_back(static_cast<std::uint16_t>(65535 - i * 16));
        palette->blue.entries.push_back(static_cast<std::uint16_t>((i * 977) % 65536));
    }
    pal.palette = palette;
    model::PixelBuffer indices(model::SampleType::U16, 128, 64, 1, 1, false);
    for (std::size_t i = 0; i < indices.frameSampleCount(); ++i) {
        indices.set(0, i, static_cast<std::int64_t>(i % 4400));
    }
    Both b = renderBoth1to1(renderer, pal, indices, 0, {});
    EXPECT_EQ(compare(b.gpu, b.cpu).maxDiff, 0) << "palette";

    for (auto photometric : {model::Photometric::YbrFull, model::Photometric::YbrFull422}) {
        model::Instance ybr;
        ybr.pixel.samplesPerPixel = 3;
        ybr.pixel.bitsStored = 8;
        ybr.decodedPhotometric = photometric;
        model::PixelBuffer samples(model::SampleType::U8, 256, 256, 3, 1, false);
        for (int y = 0; y < 256; ++y) {
            for (int x = 0; x < 256; ++x) {
                samples.set(0, samples.sampleIndex(x, y, 0), (x * 7 + y) % 256);
                samples.set(0, samples.sampleIndex(x, y, 1), x);
                samples.set(0, samples.sampleIndex(x, y, 2), y);
            }
        }
        b = renderBoth1to1(renderer, ybr, samples, 0, {});
        EXPECT_EQ(compare(b.gpu, b.cpu).maxDiff, 0)
            << "YBR " << model::photometricName(photometric);
    }
}

TEST_P(Gpu, TilesAndInterpolationMatchTheCpu) {
    model::Instance in = grayInstance(16, false);
    model::PixelBuffer buffer(model::SampleType::U16, 200, 150, 1, 1, false);
    std::mt19937 rng(3);
    for (std::size_t i = 0; i < buffer.frameSampleCount(); ++i) {
        buffer.set(0, i, static_cast<std::int64_t>(rng() % 4000));
    }
    render::Renderer tiled(render::Renderer::Limits{64, Storage::Textures},
                           std::filesystem::path());
    auto small = tiled.upload(buffer);
    EXPECT_GT(small->tileCount(), 4u);
    auto whole = renderer.upload(buffer);
    EXPECT_EQ(whole->tileCount(), 1u);
    const auto o = window(2000, 3000);
    const auto view = pixel::fitView(200, 150, 1.0, 640, 400);
    for (bool linear : {false, true}) {
        const Both a = renderBoth(tiled, *small, in, {buffer, 0, 0}, o, 640, 400, view, linear, 0);
        const Both b =
            renderBoth(renderer, *whole, in, {buffer, 0, 0}, o, 640, 400, view, linear, 0);
        EXPECT_EQ(compare(a.gpu, b.gpu).maxDiff, 0) << "tiled vs whole, linear " << linear;
        const Diff d = compare(b.gpu, b.cpu);
        std::printf("magnified %s: max diff %d, %zu of %zu pixels differ\n",
                    linear ? "linear" : "nearest", d.maxDiff, d.differing, d.pixels);
        EXPECT_TRUE(withinTolerance(d)) << "GPU vs CPU, linear " << linear;
    }
}

TEST_P(Gpu, LayersAndValuesReadBackExactly) {
    model::PixelBuffer stack(model::SampleType::I16, 70, 50, 1, 3, false);
    std::mt19937 rng(5);
    for (int f = 0; f < 3; ++f) {
        for (std::size_t i = 0; i < stack.frameSampleCount(); ++i) {
            stack.set(f, i, static_cast<std::int64_t>(rng() % 65536) - 32768);
        }
    }
    render::Renderer tiled(render::Renderer::Limits{32, Storage::Textures},
                           std::filesystem::path());
    for (render::Renderer* r : {&renderer, &tiled}) {
        auto image = r->upload(stack);
        const model::PixelBuffer back = r->readLayer(*image, 2);
        for (std::size_t i = 0; i < stack.frameSampleCount(); ++i) {
            ASSERT_EQ(back.at(0, i), stack.at(2, i)) << i;
        }
        EXPECT_EQ(r->readStored(*image, 1, 69, 49), stack.at(1, 69, 49));
        EXPECT_EQ(r->readStored(*image, 0, 33, 17), stack.at(0, 33, 17));
    }
}

TEST_P(Gpu, WindowColormapPolarityAndLayerChangesUploadNothing) {
    model::Instance in = grayInstance(16, true);
    model::PixelBuffer stack(model::SampleType::I16, 64, 64, 1, 100, false);
    for (int f = 0; f < 100; ++f) {
        for (std::size_t i = 0; i < stack.frameSampleCount(); ++i) {
            stack.set(f, i, static_cast<std::int64_t>(i) + f * 10 - 2000);
        }
    }
    auto image = renderer.upload(stack);
    render::Framebuffer target(128, 128);
    target.bind();
    const auto view = pixel::fitView(64, 64, 1.0, 128, 128);
    auto draw = [&](const pixel::DisplayOptions& o, int layer) {
        const auto pipeline = pixel::makeGrayPipeline(in, {stack, layer, layer}, o);
        render::DrawRequest r;
        r.instance = &in;
        r.gray = &pipeline;
        r.colormap = o.colormap;
        r.layer = layer;
        r.view = view;
        r.outputWidth = 128;
        r.outputHeight = 128;
        renderer.draw(*image, r);
    };
    const char* maps[] = {"gray", "bone", "hot", "viridis"};
    for (const char* m : maps) {  // the first use of a colormap uploads its 1 KB table
        pixel::DisplayOptions o;
        o.colormap = m;
        draw(o, 0);
    }
    const std::uint64_t before = renderer.uploadedBytes();
    EXPECT_GT(before, 100u * 64 * 64 * 2 - 1);
    for (int i = 0; i < 100; ++i) {
        auto o = window(i * 37 - 1000, 10 + i * 13, static_cast<model::VoiFunction>(i % 3));
        o.colormap = maps[i % 4];
        if (i % 2) {
            o.presentation = model::PresentationShape::Inverse;
        }
        draw(o, i % 7);
    }
    for (int layer = 0; layer < 100; ++layer) {
        draw(window(0, 2000), layer);
    }
    EXPECT_EQ(renderer.uploadedBytes(), before);
}

TEST_P(Gpu, CorpusMatrixMatchesCpu) {
    const MatrixResult r = corpusMatrix(renderer, true);
    std::printf("GPU vs CPU: %d image files, %d cases, max diff %d, %zu pixels differing\n",
                r.imageFiles, r.cases, r.worst, r.differing);
    EXPECT_GT(r.imageFiles, 40);
}

// The same matrix through programs a first renderer compiled and stored and a second one loaded
// (render::ProgramCache): every variant it uses, drawn the same.
TEST_P(Gpu, CorpusMatrixThroughProgramsLoadedFromTheCache) {
    gputest::TemporaryFolder folder;
    ASSERT_FALSE(folder.path().empty());
    int compiled = 0;
    MatrixResult first;
    {
        render::Renderer compiling(render::Renderer::Limits{0, GetParam()}, folder.path());
        if (compiling.programCache().directory().empty()) {
            ASSERT_EQ(context().description().find("llvmpipe"), std::string::npos)
                << compiling.programCache().unavailableBecause();
            GTEST_SKIP() << compiling.programCache().unavailableBecause();
        }
        first = corpusMatrix(compiling, false);
        compiled = compiling.programCache().counts().compiled;
        EXPECT_EQ(compiling.programCache().counts().stored, compiled);
        EXPECT_EQ(compiling.programCache().counts().loaded, 0);
    }
    EXPECT_GT(compiled, 5);  // grey, colormaps, SIGMOID, colour, palette...
    render::Renderer loading(render::Renderer::Limits{0, GetParam()}, folder.path());
    const MatrixResult second = corpusMatrix(loading, false);
    EXPECT_EQ(loading.programCache().counts().loaded, compiled);
    EXPECT_EQ(loading.programCache().counts().compiled, 0);
    EXPECT_EQ(second.cases, first.cases);
    EXPECT_EQ(second.worst, first.worst);
    EXPECT_EQ(second.differing, first.differing);
}

#include "series/stack.hpp"
#include "session/stack_session.hpp"

// A stack over the memory budget: only a window of images around the focus is allocated, decoded
// and uploaded, the rest is reported as not loaded, and the window's values stay exact.
TEST_P(Gpu, StackOverTheBudgetKeepsAWindowAroundTheFocus) {
    const series::SeriesStack stack = series::demoStack(40, 32);
    const std::uint64_t frameBytes = 32 * 32 * 2;
    session::MemoryBudget budget;
    budget.hostBytes = 10 * frameBytes + frameBytes / 2;  // 10.5 images
    budget.gpuBytes = 12 * frameBytes;
    session::StackSession s(renderer, stack, 25, budget);
    ASSERT_TRUE(s.windowed());
    EXPECT_EQ(s.windowFrames(), 10);
    EXPECT_EQ(s.windowStart(), 20);  // the focus in the middle of the window
    EXPECT_EQ(s.image()->layers(), 10);
    EXPECT_NE(s.windowMessage().find("10 fit the memory budget"), std::string::npos)
        << s.windowMessage();
    for (int i = 0; i < 1000 && !s.allResident(); ++i) {
        s.pump(1 << 20);
    }
    ASSERT_TRUE(s.allResident());
    for (int f = 0; f < s.frameCount(); ++f) {
        EXPECT_EQ(s.resident(f), f >= 20 && f < 30) << "image " << f + 1;
    }
    for (int f : {20, 25, 29}) {  // GPU-only values read back exactly
        const model::PixelBuffer& want = stack.instances[static_cast<std::size_t>(f)]->stored;
        for (auto [x, y] : {std::pair{0, 0}, std::pair{17, 9}, std::pair{31, 31}}) {
            EXPECT_EQ(s.storedValue(f, x, y), want.at(0, x, y, 0)) << f << " " << x << "," << y;
        }
    }
    render::Framebuffer target(16, 16);
    target.bind();
    EXPECT_THROW(s.draw(5, {}, {}, false, 16, 16), Error);  // outside the window: a message
    EXPECT_NO_THROW(s.draw(25, {}, {}, false, 16, 16));

    // A window at the end of the stack is clamped to it.
    session::StackSession end(renderer, stack, 39, budget);
    EXPECT_EQ(end.windowStart(), 30);
}

// Reserving a chunk ahead allocates it once (shared memory: with the image), sends no bytes, and
// uploads into it stay exact.
TEST_P(Gpu, ReservedChunksAllocateOnceAndUploadNothing) {
    auto image = renderer.allocate(64, 48, 1, model::SampleType::I16, 3);
    const std::uint64_t before = renderer.uploadedBytes();
    EXPECT_EQ(image->sharedMemory(), GetParam() == Storage::SharedMemory);
    EXPECT_EQ(renderer.reserveChunkOf(*image, 2), !image->sharedMemory());
    EXPECT_FALSE(renderer.reserveChunkOf(*image, 1));  // the same chunk (3 small layers)
    EXPECT_EQ(renderer.uploadedBytes(), before);
    model::PixelBuffer frame(model::SampleType::I16, 64, 48, 1, 1, false);
    for (std::size_t i = 0; i < frame.frameSampleCount(); ++i) {
        frame.set(0, i, static_cast<std::int64_t>(i % 4000) - 2000);
    }
    renderer.uploadLayer(*image, 2, frame, 0);
    EXPECT_EQ(renderer.readStored(*image, 2, 63, 47), frame.at(0, 63, 47, 0));
    EXPECT_EQ(renderer.readStored(*image, 2, 5, 7), frame.at(0, 5, 7, 0));
}

// Large values through narrow windows: the shader's level estimate is taken relative to the
// window's edge, so a single threshold correction stays exact where an estimate computed from 0
// would be off by several levels (float32 has 1-unit steps at 2^23).
TEST_P(Gpu, NarrowWindowsOnLargeValuesStayExact) {
    model::Instance in;
    in.pixel.bitsAllocated = 32;
    in.pixel.bitsStored = 32;
    in.pixel.highBit = 31;
    in.pixel.isSigned = true;
    model::PixelBuffer buffer(model::SampleType::I32, 64, 64, 1, 1, false);
    for (std::size_t i = 0; i < buffer.frameSampleCount(); ++i) {
        buffer.set(0, i, 8'000'000 + static_cast<std::int64_t>(i));  // exact in float32
    }
    for (auto fn : {model::VoiFunction::Linear, model::VoiFunction::LinearExact,
                    model::VoiFunction::Sigmoid}) {
        // Centres and edges that no float holds: 8001999.9 - 0.1 rounds up to 8002000 as a float.
        for (auto [center, width] : {std::pair{8'002'000.5, 20.0}, std::pair{8'002'000.5, 100.0},
                                     std::pair{8'002'000.5, 3001.0}, std::pair{8'001'999.9, 0.2},
                                     std::pair{8'002'000.25, 1.0}, std::pair{8'002'000.3, 2.6}}) {
            if (fn == model::VoiFunction::Linear && width < 1) {
                continue;  // LINEAR needs a width of at least 1 (PS3.3 C.11.2.1.2)
            }
            for (bool inverse : {false, true}) {
                auto o = window(center, width, fn);
                if (inverse) {
                    o.presentation = model::PresentationShape::Inverse;
                }
                const Both b = renderBoth1to1(renderer, in, buffer, 0, o);
                const Diff d = compare(b.gpu, b.cpu);
                EXPECT_EQ(d.maxDiff, 0)
                    << "fn " << int(fn) << " center " << center << " width " << width << " inverse "
                    << inverse << ": " << d.differing << " pixels differ";
            }
        }
    }
}

// Shared memory: layers written in place (as the decoders do) become resident without a copy:
// uploadLayer counts no bytes, and the draw equals the CPU. A frame from elsewhere is copied in.
// Textures have no such memory.
TEST_P(Gpu, LayersWrittenInPlaceUploadNothing) {
    const model::Instance in = grayInstance(16, true);
    auto image = renderer.allocate(70, 50, 1, model::SampleType::I16, 4);
    model::PixelBuffer memory = renderer.layerMemory(*image, 1, 2);
    if (GetParam() == Storage::Textures) {
        EXPECT_TRUE(memory.empty());
        return;
    }
    ASSERT_TRUE(memory.isView());
    ASSERT_EQ(memory.frames(), 2);
    EXPECT_TRUE(renderer.layerMemory(*image, 3, 2).empty());  // past the last layer
    std::mt19937 rng(11);
    for (int f = 0; f < 2; ++f) {
        for (std::size_t i = 0; i < memory.frameSampleCount(); ++i) {
            memory.set(f, i, static_cast<std::int64_t>(rng() % 65536) - 32768);
        }
    }
    const std::uint64_t before = renderer.uploadedBytes();
    renderer.uploadLayer(*image, 1, memory, 0);
    renderer.uploadLayer(*image, 2, memory, 1);
    EXPECT_EQ(renderer.uploadedBytes(), before);
    const model::PixelBuffer copy = memory.frame(0);  // owned: copied into layer 3
    EXPECT_FALSE(copy.isView());
    renderer.uploadLayer(*image, 3, copy, 0);
    EXPECT_EQ(renderer.uploadedBytes() - before, copy.frameByteCount());
    for (int layer = 1; layer <= 3; ++layer) {
        const model::PixelBuffer& values = layer == 3 ? copy : memory;
        const int frame = layer == 3 ? 0 : layer - 1;
        const Both b = renderBoth(renderer, *image, in, {values, frame, frame}, window(0, 30000),
                                  70, 50, {}, false, layer);
        EXPECT_EQ(compare(b.gpu, b.cpu).maxDiff, 0) << "layer " << layer;
        EXPECT_EQ(renderer.readStored(*image, layer, 69, 49), values.at(frame, 69, 49));
    }
    // The memory outlives the image for as long as a view holds it.
    const std::int64_t kept = memory.at(1, 3, 4);
    image.reset();
    EXPECT_EQ(memory.at(1, 3, 4), kept);
}

// A stack opened from files: the workers decode every transfer syntax straight into the layers
// where the memory is shared (nothing is uploaded), else the layers are uploaded. Whole and
// windowed (over the budget), in one chunk of shared memory or several (a multi-frame instance
// across two chunks is decoded apart and copied), single- and multi-frame: every resident image
// draws exactly what the CPU draws from a plain decode.
TEST_P(Gpu, StacksOfFilesDecodeIntoTheirLayers) {
    const std::vector<std::vector<std::string>> stacks = {
        {"MR_small.dcm", "MR_small_RLE.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm",
         "MR_small_jp2klossless.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_padded.dcm"},
        {"rtdose.dcm", "rtdose_rle.dcm", "rtdose_expb.dcm"}};
    for (const auto& names : stacks) {
        series::SeriesStack stack;
        std::vector<model::Instance> want;  // decoded the usual way
        for (const std::string& name : names) {
            dicom::DicomFile file(std::string(DCMLENS_CORPUS) + "/" + name);
            stack.instances.push_back(std::make_shared<model::Instance>(file.instance()));
            file.decodeAllFrames();
            want.push_back(file.release());
        }
        const model::PixelBuffer& first = want.front().stored;
        const std::int64_t layerTexels = std::int64_t{first.width()} * first.height();
        const std::uint64_t frameBytes = first.frameByteCount();
        render::Renderer chunked(render::Renderer::Limits{0, GetParam(), layerTexels * 3},
                                 std::filesystem::path());
        for (bool windowed : {false, true}) {
            for (render::Renderer* r : {&renderer, &chunked}) {
                session::MemoryBudget budget;
                budget.hostBytes = budget.gpuBytes =
                    windowed ? frameBytes * 5 + frameBytes / 2 : frameBytes * 1000;
                const std::uint64_t before = r->uploadedBytes();
                session::StackSession s(*r, stack, 3, budget);
                EXPECT_EQ(s.windowed(), windowed);
                for (int i = 0; i < 5000 && !s.allResident(); ++i) {
                    s.pump(1 << 20);
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                }
                const std::string what = names.front() + (windowed ? " windowed" : " whole") +
                                         (r == &chunked ? ", chunks of 3 layers" : "");
                ASSERT_TRUE(s.allResident()) << what;
                EXPECT_TRUE(s.takeErrors().empty()) << what;
                ASSERT_EQ(s.image()->sharedMemory(), GetParam() == Storage::SharedMemory) << what;
                const std::uint64_t sent = r->uploadedBytes() - before;
                if (!s.image()->sharedMemory()) {
                    EXPECT_EQ(sent, frameBytes * static_cast<std::uint64_t>(s.windowFrames()))
                        << what;
                } else if (windowed) {
                    // A window that slides reuses its layers: its images decode into memory of
                    // their own and are copied in on the GL thread, never written by a worker
                    // while the layer may be given to another image.
                    EXPECT_EQ(sent, frameBytes * static_cast<std::uint64_t>(s.windowFrames()))
                        << what;
                } else if (r == &chunked && first.frames() > 1) {
                    // Instances across two chunks are copied in.
                    EXPECT_GT(sent, 0u) << what;
                } else {
                    EXPECT_EQ(sent, 0u) << what;  // all decoded in place
                }
                render::Framebuffer target(first.width(), first.height());
                int frame = 0;
                for (const model::Instance& in : want) {
                    for (int f = 0; f < in.stored.frames(); ++f, ++frame) {
                        if (!s.resident(frame)) {
                            EXPECT_TRUE(windowed) << what;
                            continue;
                        }
                        // As the viewer does: an explicit window, from the statistics
                        // computed when the image was decoded (its values may be GPU-only).
                        const model::Window w = pixel::minMaxWindow(s.frameStats(frame).range);
                        const pixel::DisplayOptions o = window(w.center, w.width);
                        const pixel::Image cpu =
                            pixel::renderView(in, {in.stored, f, f}, o, in.stored.width(),
                                              in.stored.height(), {}, false);
                        target.bind();
                        s.draw(frame, o, {}, false, in.stored.width(), in.stored.height());
                        EXPECT_EQ(compare(target.read(1), cpu).maxDiff, 0)
                            << what << ": image " << frame + 1;
                        EXPECT_EQ(s.storedValue(frame, 5, 7), in.stored.at(f, 5, 7));
                    }
                }
                ASSERT_EQ(frame, s.frameCount());
            }
        }
    }
}

// An image that leaves part of the output: the rest is cleared rather than shaded, with the same
// black; the caller's clear colour and scissor state come back as they were; an image panned
// out of sight leaves the output black.
TEST_P(Gpu, LetterboxIsBlackAndLeavesGlStateAsItWas) {
    const model::Instance in = grayInstance(16, false);
    model::PixelBuffer buffer(model::SampleType::U16, 50, 80, 1, 1, false);
    for (std::size_t i = 0; i < buffer.frameSampleCount(); ++i) {
        buffer.set(0, i, static_cast<std::int64_t>(i % 1000) + 500);  // never black in this window
    }
    auto image = renderer.upload(buffer);
    const auto o = window(1000, 1200);
    for (bool scissorBefore : {false, true}) {
        glClearColor(0.25f, 0.5f, 0.75f, 1.0f);
        if (scissorBefore) {
            glEnable(GL_SCISSOR_TEST);
        } else {
            glDisable(GL_SCISSOR_TEST);
        }
        glScissor(1, 2, 3, 4);
        const auto view = pixel::fitView(50, 80, 1.0, 300, 120);  // bars left and right
        const Both b =
            renderBoth(renderer, *image, in, {buffer, 0, 0}, o, 300, 120, view, false, 0);
        EXPECT_EQ(glIsEnabled(GL_SCISSOR_TEST) == GL_TRUE, scissorBefore);
        EXPECT_EQ(compare(b.gpu, b.cpu).maxDiff, 0);
        EXPECT_EQ(b.gpu.pixel(0, 60)[0], 0);    // a bar
        EXPECT_GT(b.gpu.pixel(150, 60)[0], 0);  // the image
        GLfloat clear[4];
        glGetFloatv(GL_COLOR_CLEAR_VALUE, clear);
        EXPECT_FLOAT_EQ(clear[0], 0.25f);
        EXPECT_FLOAT_EQ(clear[2], 0.75f);
        GLint box[4];
        glGetIntegerv(GL_SCISSOR_BOX, box);
        EXPECT_EQ(box[0], 1);
        EXPECT_EQ(box[3], 4);
    }
    glDisable(GL_SCISSOR_TEST);
    pixel::ViewMapping away = pixel::fitView(50, 80, 1.0, 300, 120);
    away.offsetX += 1000;  // panned out of sight
    const Both b = renderBoth(renderer, *image, in, {buffer, 0, 0}, o, 300, 120, away, false, 0);
    EXPECT_EQ(compare(b.gpu, b.cpu).maxDiff, 0);
    EXPECT_EQ(b.gpu.pixel(150, 60)[0], 0);
}

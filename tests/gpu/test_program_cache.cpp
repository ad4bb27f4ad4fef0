// Linked programs kept between processes as the driver's binaries (render/program_cache.hpp): a
// second renderer loads what the first stored and draws the same; damaged, foreign or unwritable
// cache files fall back to compiling, and never change what is drawn.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "pixel/render.hpp"
#include "render/program_cache.hpp"
#include "render/renderer.hpp"
#include "test_context.hpp"

using namespace dcmlens;
namespace fs = std::filesystem;

namespace {

// A fresh folder per test, removed afterwards.
class TemporaryFolder {
public:
    TemporaryFolder() {
        std::string pattern = (fs::temp_directory_path() / "dcmlens-programs-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data()) ? fs::path(pattern) : fs::path();
    }
    ~TemporaryFolder() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::vector<fs::path> binaries(const fs::path& folder) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        files.push_back(entry.path());
    }
    return files;
}

// A 16-bit ramp through a window, in greys or a colormap, drawn by `renderer`.
pixel::Image draw(render::Renderer& renderer, const std::string& colormap) {
    model::Instance in;
    in.pixel.bitsAllocated = 16;
    in.pixel.bitsStored = 12;
    in.pixel.highBit = 11;
    model::PixelBuffer buffer(model::SampleType::U16, 64, 32, 1, 1, false);
    for (std::size_t i = 0; i < buffer.frameSampleCount(); ++i) {
        buffer.set(0, i, static_cast<std::int64_t>(i * 2));
    }
    pixel::DisplayOptions options;
    options.windowMode = pixel::DisplayOptions::WindowMode::Explicit;
    options.center = 2000;
    options.width = 3000;
    options.colormap = colormap;
    const pixel::FrameRef ref{buffer, 0, 0};
    const pixel::GrayPipeline gray = pixel::makeGrayPipeline(in, ref, options);
    auto image = renderer.upload(buffer);
    render::Framebuffer target(64, 32);
    target.bind();
    render::DrawRequest r;
    r.instance = &in;
    r.gray = &gray;
    r.colormap = colormap;
    r.outputWidth = 64;
    r.outputHeight = 32;
    renderer.draw(*image, r);
    const pixel::Image cpu = pixel::renderView(in, ref, options, 64, 32, {}, false);
    pixel::Image gpu = target.read(cpu.channels);
    EXPECT_EQ(gpu.data, cpu.data) << colormap;
    return gpu;
}

void overwrite(const fs::path& path, const std::vector<char>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<char> contents(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

class ProgramCache : public ::testing::Test {
protected:
    void SetUp() override {
        gputest::context();
        GLint formats = 0;
        glGetIntegerv(GL_NUM_PROGRAM_BINARY_FORMATS, &formats);
        if (GLAD_GL_ARB_get_program_binary == 0 || formats == 0) {
            // Mesa (llvmpipe in CI) has program binaries: there these tests must run.
            ASSERT_EQ(gputest::context().description().find("llvmpipe"), std::string::npos);
            GTEST_SKIP() << "this driver gives no program binaries";
        }
        ASSERT_FALSE(folder.path().empty());
    }
    TemporaryFolder folder;
    render::Renderer::Limits limits{0, render::Renderer::Storage::Textures};
};

TEST_F(ProgramCache, ASecondRendererLoadsWhatTheFirstStoredAndDrawsTheSame) {
    pixel::Image grey, hot;
    {
        render::Renderer first(limits, folder.path());
        grey = draw(first, "gray");
        hot = draw(first, "hot");
        EXPECT_EQ(first.programCache().counts().compiled, 2);  // two variants
        EXPECT_EQ(first.programCache().counts().stored, 2);
        EXPECT_EQ(first.programCache().counts().loaded, 0);
    }
    EXPECT_EQ(binaries(folder.path()).size(), 2u);
    render::Renderer second(limits, folder.path());
    EXPECT_EQ(draw(second, "gray").data, grey.data);
    EXPECT_EQ(draw(second, "hot").data, hot.data);
    EXPECT_EQ(second.programCache().counts().loaded, 2);
    EXPECT_EQ(second.programCache().counts().compiled, 0);
    EXPECT_EQ(second.programCache().counts().stored, 0);
}

TEST_F(ProgramCache, DamagedOrForeignFilesAreCompiledAndReplaced) {
    {
        render::Renderer first(limits, folder.path());
        draw(first, "gray");
    }
    const std::vector<fs::path> files = binaries(folder.path());
    ASSERT_EQ(files.size(), 1u);
    const std::vector<char> good = contents(files[0]);
    ASSERT_GT(good.size(), 64u);

    std::vector<std::vector<char>> damaged;
    damaged.push_back({});                                               // empty
    damaged.emplace_back(good.begin(), good.begin() + good.size() / 2);  // cut short
    damaged.push_back(good);
    damaged.back().back() ^= 0x55;  // one byte of the driver's binary
    damaged.push_back(good);
    damaged.back()[40] ^= 0x01;  // the key: another driver or other sources
    damaged.push_back(good);
    damaged.back().push_back('x');  // a byte too many
    for (std::size_t i = 0; i < damaged.size(); ++i) {
        overwrite(files[0], damaged[i]);
        render::Renderer renderer(limits, folder.path());
        draw(renderer, "gray");  // and equal to the CPU
        EXPECT_EQ(renderer.programCache().counts().loaded, 0) << "case " << i;
        EXPECT_EQ(renderer.programCache().counts().compiled, 1) << "case " << i;
        EXPECT_EQ(renderer.programCache().counts().stored, 1) << "case " << i;
        EXPECT_EQ(contents(files[0]), good) << "case " << i << ": replaced by a good one";
    }
    EXPECT_EQ(binaries(folder.path()).size(), 1u);  // no temporary files left
}

TEST_F(ProgramCache, WithoutAWritableFolderProgramsAreCompiled) {
    const fs::path notAFolder = folder.path() / "file";
    overwrite(notAFolder, {'x'});
    for (const fs::path& where : {notAFolder / "programs", fs::path()}) {
        for (int run = 0; run < 2; ++run) {
            render::Renderer renderer(limits, where);
            draw(renderer, "gray");
            EXPECT_EQ(renderer.programCache().counts().compiled, 1);
            EXPECT_EQ(renderer.programCache().counts().loaded, 0);
            EXPECT_EQ(renderer.programCache().counts().stored, 0);
        }
    }
    EXPECT_EQ(contents(notAFolder), std::vector<char>{'x'});
}

TEST(ProgramCacheFolder, FollowsDcmlensCacheDirThenXdgThenHome) {
    auto set = [](const char* name, const char* value) {
        if (value) {
            ::setenv(name, value, 1);
        } else {
            ::unsetenv(name);
        }
    };
    const char* names[] = {"DCMLENS_CACHE_DIR", "XDG_CACHE_HOME", "HOME"};
    std::vector<std::string> saved;
    std::vector<bool> had;
    for (const char* name : names) {
        const char* value = std::getenv(name);
        had.push_back(value != nullptr);
        saved.emplace_back(value ? value : "");
    }
    set("DCMLENS_CACHE_DIR", "/a/b");
    set("XDG_CACHE_HOME", "/x");
    set("HOME", "/h");
    EXPECT_EQ(render::ProgramCache::defaultDirectory(), fs::path("/a/b/programs"));
    set("DCMLENS_CACHE_DIR", "");
    EXPECT_EQ(render::ProgramCache::defaultDirectory(), fs::path());  // no cache
    set("DCMLENS_CACHE_DIR", nullptr);
    EXPECT_EQ(render::ProgramCache::defaultDirectory(), fs::path("/x/dcmlens/programs"));
    set("XDG_CACHE_HOME", "relative");  // the XDG spec: relative paths are ignored
    EXPECT_EQ(render::ProgramCache::defaultDirectory(), fs::path("/h/.cache/dcmlens/programs"));
    set("XDG_CACHE_HOME", nullptr);
    set("HOME", nullptr);
    EXPECT_EQ(render::ProgramCache::defaultDirectory(), fs::path());
    for (std::size_t i = 0; i < saved.size(); ++i) {
        set(names[i], had[i] ? saved[i].c_str() : nullptr);
    }
}

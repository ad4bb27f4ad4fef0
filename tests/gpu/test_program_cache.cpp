// Linked programs kept between processes as the driver's binaries (render/program_cache.hpp): a
// second renderer loads what the first stored and draws the same; damaged, foreign, planted or
// unwritable cache files fall back to compiling, never hang, never write through a link, and
// never change what is drawn.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/fnv1a.hpp"
#include "pixel/render.hpp"
#include "render/program_cache.hpp"
#include "render/renderer.hpp"
#include "test_support.hpp"

using namespace dcmlens;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> filesIn(const fs::path& folder) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        files.push_back(entry.path());
    }
    return files;
}

// A 16-bit ramp through a window, in greys or a colormap, drawn by `renderer`; equal to the CPU.
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
    EXPECT_EQ(glGetError(), static_cast<GLenum>(GL_NO_ERROR));
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

// The file format's fields (program_cache.cpp): magic (25 bytes), key length (8) and key,
// format (4), binary length (8), checksum (8), binary.
constexpr std::size_t kMagicSize = 25;

std::uint64_t number(const std::vector<char>& file, std::size_t at, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(file[at + i])) << (8 * i);
    }
    return v;
}

void setNumber(std::vector<char>& file, std::size_t at, int bytes, std::uint64_t v) {
    for (int i = 0; i < bytes; ++i) {
        file[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
}

}  // namespace

class ProgramCache : public ::testing::Test {
protected:
    void SetUp() override {
        gputest::context();  // current before any renderer
        ASSERT_FALSE(folder.path().empty());
        render::Renderer probe(limits, folder.path() / "probe");
        if (probe.programCache().directory().empty()) {
            // Mesa (llvmpipe in CI) gives program binaries while its shader cache is on
            // (test_support.hpp turns it on): there these tests must run.
            ASSERT_EQ(gputest::context().description().find("llvmpipe"), std::string::npos)
                << probe.programCache().unavailableBecause();
            GTEST_SKIP() << probe.programCache().unavailableBecause();
        }
        fs::remove_all(folder.path() / "probe");
    }
    // The slot the gray program of draw() is stored in, after one renderer stored it.
    fs::path storeGray() {
        render::Renderer first(limits, folder.path());
        draw(first, "gray");
        const std::vector<fs::path> files = filesIn(folder.path());
        EXPECT_EQ(files.size(), 1u);
        return files.size() == 1 ? files[0] : fs::path();
    }
    // A new renderer over the folder: how it made the gray program (and it draws right).
    render::ProgramCache::Counts grayCounts() {
        render::Renderer renderer(limits, folder.path());
        draw(renderer, "gray");
        return renderer.programCache().counts();
    }
    gputest::TemporaryFolder folder;
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
    ASSERT_EQ(filesIn(folder.path()).size(), 2u);
    struct stat s {};
    ASSERT_EQ(::stat(filesIn(folder.path())[0].c_str(), &s), 0);
    EXPECT_EQ(s.st_mode & 077, 0u);  // private to the user
    render::Renderer second(limits, folder.path());
    EXPECT_EQ(draw(second, "gray").data, grey.data);
    EXPECT_EQ(draw(second, "hot").data, hot.data);
    EXPECT_EQ(second.programCache().counts().loaded, 2);
    EXPECT_EQ(second.programCache().counts().compiled, 0);
    EXPECT_EQ(second.programCache().counts().stored, 0);
}

TEST_F(ProgramCache, DamagedOrForeignFilesAreCompiledAndReplaced) {
    const fs::path slot = storeGray();
    ASSERT_FALSE(slot.empty());
    const std::vector<char> good = contents(slot);
    ASSERT_GT(good.size(), 100u);
    const std::size_t keySize = number(good, kMagicSize, 8);
    const std::size_t sizeAt = kMagicSize + 8 + keySize + 4;
    const std::size_t binaryAt = sizeAt + 16;
    ASSERT_EQ(number(good, sizeAt, 8), good.size() - binaryAt);

    std::vector<std::pair<std::string, std::vector<char>>> damaged;
    damaged.emplace_back("empty", std::vector<char>{});
    damaged.emplace_back("cut short", std::vector<char>(good.begin(), good.begin() + 200));
    damaged.emplace_back("a byte of the binary", good);
    damaged.back().second.back() ^= 0x55;
    damaged.emplace_back("a byte of the key (another driver or other sources)", good);
    damaged.back().second[kMagicSize + 8 + 3] ^= 0x01;
    damaged.emplace_back("a byte too many", good);
    damaged.back().second.push_back('x');
    // Another key of another length in the same slot (a name collision).
    std::vector<char> shorter(good.begin(), good.begin() + kMagicSize);
    shorter.resize(kMagicSize + 8);
    setNumber(shorter, kMagicSize, 8, keySize - 10);
    shorter.insert(shorter.end(), good.begin() + kMagicSize + 8,
                   good.begin() + static_cast<std::ptrdiff_t>(kMagicSize + 8 + keySize - 10));
    shorter.insert(shorter.end(), good.begin() + static_cast<std::ptrdiff_t>(sizeAt - 4),
                   good.end());
    damaged.emplace_back("another key's file", shorter);
    // Lengths of 2^64 - 1: no overflow, no allocation.
    damaged.emplace_back("huge lengths", good);
    setNumber(damaged.back().second, kMagicSize, 8, ~0ull);
    damaged.emplace_back("huge binary length", good);
    setNumber(damaged.back().second, sizeAt, 8, ~0ull);
    // Our checksum right, the driver's binary wrong: Mesa's own CRC refuses it, and no GL error
    // is left behind (draw() checks). Only on Mesa: NVIDIA's driver took such a binary on the
    // H200 and the process died. A binary that passes our checksum is trusted to the driver;
    // only someone who can write to the user's private folder can make one.
    if (gputest::context().description().find("Mesa") != std::string::npos) {
        damaged.emplace_back("a binary the driver refuses", good);
        std::vector<char>& refused = damaged.back().second;
        refused[binaryAt + (refused.size() - binaryAt) / 2] ^= 0x10;
        setNumber(refused, sizeAt + 8, 8,
                  fnv1a(refused.data() + binaryAt, refused.size() - binaryAt));
    }

    for (const auto& [what, bytes] : damaged) {
        overwrite(slot, bytes);
        const auto c = grayCounts();  // draws right, no GL error
        EXPECT_EQ(c.loaded, 0) << what;
        EXPECT_EQ(c.compiled, 1) << what;
        EXPECT_EQ(c.stored, 1) << what;
        EXPECT_EQ(grayCounts().loaded, 1) << what << ": replaced by a usable file";
    }
    EXPECT_EQ(filesIn(folder.path()).size(), 1u);  // no temporary files left
}

TEST_F(ProgramCache, PlantedSlotsNeitherHangNorWriteThroughLinks) {
    const fs::path slot = storeGray();
    ASSERT_FALSE(slot.empty());
    const fs::path victim = folder.path() / "victim.dcm";
    overwrite(victim, {'D', 'I', 'C', 'M'});

    fs::remove(slot);
    ASSERT_EQ(::mkfifo(slot.c_str(), 0600), 0);  // reading a FIFO would block for ever
    EXPECT_EQ(grayCounts().compiled, 1);
    EXPECT_TRUE(fs::is_regular_file(slot));  // the program replaced the FIFO

    fs::remove(slot);
    fs::create_symlink(victim, slot);
    EXPECT_EQ(grayCounts().compiled, 1);
    EXPECT_EQ(contents(victim), (std::vector<char>{'D', 'I', 'C', 'M'}));  // not written through
    EXPECT_FALSE(fs::is_symlink(slot));

    fs::remove(slot);
    fs::create_directory(slot);
    for (int run = 0; run < 2; ++run) {
        const auto c = grayCounts();
        EXPECT_EQ(c.compiled, 1);
        EXPECT_EQ(c.stored, 0);  // cannot replace a folder: compiled every time
    }
    EXPECT_TRUE(fs::is_directory(slot));
    EXPECT_EQ(contents(victim), (std::vector<char>{'D', 'I', 'C', 'M'}));
}

TEST_F(ProgramCache, OnlyAPrivateFolderOfTheUserIsUsed) {
    const fs::path shared = folder.path() / "shared";
    fs::create_directory(shared);
    fs::permissions(shared,
                    fs::perms::all);  // group and others may write: a binary could be planted
    for (int run = 0; run < 2; ++run) {
        render::Renderer renderer(limits, shared);
        draw(renderer, "gray");
        EXPECT_TRUE(renderer.programCache().directory().empty());
        EXPECT_NE(renderer.programCache().unavailableBecause().find("not private"),
                  std::string::npos);
        EXPECT_EQ(renderer.programCache().counts().compiled, 1);
    }
    EXPECT_TRUE(filesIn(shared).empty());

    const fs::path made = folder.path() / "a" / "b";  // made by the cache: private
    {
        render::Renderer renderer(limits, made);
        draw(renderer, "gray");
        EXPECT_EQ(renderer.programCache().counts().stored, 1);
    }
    EXPECT_EQ(fs::status(made).permissions() & (fs::perms::group_all | fs::perms::others_all),
              fs::perms::none);
}

TEST_F(ProgramCache, WithoutAUsableFolderProgramsAreCompiled) {
    const fs::path notAFolder = folder.path() / "file";
    overwrite(notAFolder, {'x'});
    for (const fs::path& where : {notAFolder / "programs", fs::path()}) {
        for (int run = 0; run < 2; ++run) {
            render::Renderer renderer(limits, where);
            draw(renderer, "gray");
            EXPECT_EQ(renderer.programCache().counts().compiled, 1);
            EXPECT_EQ(renderer.programCache().counts().loaded, 0);
            EXPECT_EQ(renderer.programCache().counts().stored, 0);
            EXPECT_FALSE(renderer.programCache().unavailableBecause().empty());
        }
    }
    EXPECT_EQ(contents(notAFolder), std::vector<char>{'x'});
}

TEST_F(ProgramCache, LeftoversAndExcessFilesArePruned) {
    const fs::path slot = storeGray();
    ASSERT_FALSE(slot.empty());
    const fs::path stale = slot.string() + ".tmp.abcdef";  // a killed writer's
    const fs::path fresh = slot.string() + ".tmp.ghijkl";  // a writer at work
    overwrite(stale, {'x'});
    overwrite(fresh, {'x'});
    fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(1));
    std::vector<fs::path> old;
    for (int i = 0; i < 300; ++i) {
        old.push_back(folder.path() / ("old" + std::to_string(i) + ".bin"));
        overwrite(old.back(), {'x'});
        fs::last_write_time(old.back(),
                            fs::file_time_type::clock::now() - std::chrono::hours(24 * 400 - i));
    }
    fs::remove(slot);
    EXPECT_EQ(grayCounts().stored, 1);  // a store prunes
    EXPECT_FALSE(fs::exists(stale));
    EXPECT_TRUE(fs::exists(fresh));
    EXPECT_TRUE(fs::exists(slot));          // the newest stays
    EXPECT_FALSE(fs::exists(old.front()));  // the oldest go
    EXPECT_TRUE(fs::exists(old.back()));
    std::size_t binaries = 0;
    for (const fs::path& p : filesIn(folder.path())) {
        binaries += p.extension() == ".bin" ? 1 : 0;
    }
    EXPECT_EQ(binaries, 256u);
}

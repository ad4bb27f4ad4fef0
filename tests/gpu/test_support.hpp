#pragma once

#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "pixel/image.hpp"

#include "headless/egl_context.hpp"

namespace dcmlens::gputest {

// Mesa's shader cache for the tests: on (Mesa gives program binaries only then, and the
// ProgramCache tests must run on llvmpipe) and in the build folder, not the user's ~/.cache.
// Set before the driver loads, while the process has no other thread.
struct MesaCacheForTests {
    MesaCacheForTests() {
        ::setenv("MESA_SHADER_CACHE_DISABLE", "false", 1);
        ::setenv("MESA_SHADER_CACHE_DIR", DCMLENS_TEST_CACHE "/mesa", 1);
    }
};

struct TestGl : MesaCacheForTests {
    headless::EglContext context;
};

// One EGL context for every GPU test of the process, made current on first use.
inline headless::EglContext& context() {
    static TestGl gl;
    return gl.context;
}

// A fresh private folder, removed with everything in it at the end of the scope.
class TemporaryFolder {
public:
    TemporaryFolder() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "dcmlens-test-XXXXXX").string();
        path_ =
            ::mkdtemp(pattern.data()) ? std::filesystem::path(pattern) : std::filesystem::path();
    }
    ~TemporaryFolder() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TemporaryFolder(const TemporaryFolder&) = delete;
    TemporaryFolder& operator=(const TemporaryFolder&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// How two 8-bit images differ: the largest difference of any channel, and how many pixels differ.
struct Diff {
    int maxDiff = 0;
    std::size_t differing = 0;
    std::size_t pixels = 0;
};

inline Diff compare(const pixel::Image& a, const pixel::Image& b) {
    Diff d;
    if (a.data.size() != b.data.size() || a.width != b.width || a.channels != b.channels) {
        d.maxDiff = 256;
        return d;
    }
    d.pixels = static_cast<std::size_t>(a.width) * a.height;
    for (std::size_t i = 0; i < d.pixels; ++i) {
        int worst = 0;
        for (int c = 0; c < a.channels; ++c) {
            const std::size_t k =
                i * static_cast<std::size_t>(a.channels) + static_cast<std::size_t>(c);
            worst = std::max(worst, std::abs(a.data[k] - b.data[k]));
        }
        d.maxDiff = std::max(d.maxDiff, worst);
        d.differing += worst > 0 ? 1 : 0;
    }
    return d;
}

// The tolerance GPU against CPU is held to: identical, or at most one level on 0.01 % of pixels.
inline bool withinTolerance(const Diff& d) {
    return d.maxDiff == 0 || (d.maxDiff <= 1 && d.differing * 10000 <= d.pixels);
}

}  // namespace dcmlens::gputest

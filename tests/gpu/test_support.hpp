#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

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

}  // namespace dcmlens::gputest

#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "headless/egl_context.hpp"

namespace dcmlens::gputest {

// One EGL context for every GPU test of the process, made current on first use.
inline headless::EglContext& context() {
    static headless::EglContext ctx;
    return ctx;
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

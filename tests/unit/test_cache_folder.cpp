// Where render::ProgramCache keeps programs by default: environment variables, absolute paths
// only. A unit test (no GL): setenv must not race the GL driver's threads.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "render/program_cache.hpp"

using namespace dcmlens;
namespace fs = std::filesystem;

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
    set("DCMLENS_CACHE_DIR", "relative");
    EXPECT_EQ(render::ProgramCache::defaultDirectory(), fs::path());  // not into the working folder
    set("DCMLENS_CACHE_DIR", nullptr);
    EXPECT_EQ(render::ProgramCache::defaultDirectory(), fs::path("/x/dcmlens/programs"));
    set("XDG_CACHE_HOME", "relative");  // the XDG spec: relative paths are ignored
    EXPECT_EQ(render::ProgramCache::defaultDirectory(), fs::path("/h/.cache/dcmlens/programs"));
    set("HOME", "relative");
    EXPECT_EQ(render::ProgramCache::defaultDirectory(), fs::path());
    set("XDG_CACHE_HOME", nullptr);
    set("HOME", nullptr);
    EXPECT_EQ(render::ProgramCache::defaultDirectory(), fs::path());
    for (std::size_t i = 0; i < saved.size(); ++i) {
        set(names[i], had[i] ? saved[i].c_str() : nullptr);
    }
}

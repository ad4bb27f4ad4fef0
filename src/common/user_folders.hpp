#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace dcmlens {

// dcmlens' own folders. Absolute paths only (the XDG Base Directory rule): a relative one would
// put files in whatever folder dcmlens runs in, perhaps the user's images.

// $DCMLENS_CACHE_DIR (set but empty or relative: no cache at all), else $XDG_CACHE_HOME/dcmlens,
// else $HOME/.cache/dcmlens. Empty when none applies. Each cache is a folder inside it
// ("programs", "instances").
inline std::filesystem::path cacheBase() {
    if (const char* dir = std::getenv("DCMLENS_CACHE_DIR")) {
        return dir[0] == '/' ? std::filesystem::path(dir) : std::filesystem::path();
    }
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && xdg[0] == '/') {
        return std::filesystem::path(xdg) / "dcmlens";
    }
    if (const char* home = std::getenv("HOME"); home && home[0] == '/') {
        return std::filesystem::path(home) / ".cache" / "dcmlens";
    }
    return {};
}

// $XDG_CONFIG_HOME/dcmlens, else $HOME/.config/dcmlens; empty when neither is absolute.
inline std::filesystem::path configBase() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && xdg[0] == '/') {
        return std::filesystem::path(xdg) / "dcmlens";
    }
    if (const char* home = std::getenv("HOME"); home && home[0] == '/') {
        return std::filesystem::path(home) / ".config" / "dcmlens";
    }
    return {};
}

// Why `folder` may not hold a cache, or "" when it may: it must be a folder of this user that no
// one else can write to (another user could plant files there). A folder this call creates (with
// its parents) is made private to the user.
inline std::string privateFolderProblem(const std::filesystem::path& folder) {
    std::error_code ec;
    if (std::filesystem::create_directories(folder, ec)) {
        std::filesystem::permissions(folder, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace, ec);
    }
    struct stat s {};
    if (::stat(folder.c_str(), &s) != 0 || !S_ISDIR(s.st_mode)) {
        return "cannot make the folder " + folder.string();
    }
    if (s.st_uid != ::geteuid() || (s.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return folder.string() + " is not private to this user";
    }
    return "";
}

}  // namespace dcmlens

#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "render/gl_program.hpp"

namespace dcmlens::render {

// Linked programs kept on disk as the driver's own binaries (GL_ARB_get_program_binary, core
// since 4.1), so that a new process skips the GLSL compiler. On Mesa the first compile in a
// process builds GLSL's built-in function library whatever its shader cache holds: ~5.5 ms of a
// ~55 ms `dcmlens render` on llvmpipe; a binary loads in ~0.3 ms.
//
// A file holds its key (the driver's GL_VENDOR, GL_RENDERER, GL_VERSION and
// GL_SHADING_LANGUAGE_VERSION, and both sources) and is used only when the key matches byte for
// byte; the driver may still refuse a binary (its own checks of version and integrity), and then
// the program is compiled and the file replaced.
// Files are written to a temporary name and renamed, so concurrent processes never read half a
// file. The folder must belong to the user and be closed to others (a planted binary would go
// to the driver); it keeps at most 256 programs. Nothing here is an error: without a usable
// folder, or with a driver that gives no binaries (Mesa only with its shader cache on),
// programs are compiled every time.
class ProgramCache {
public:
    // `directory` empty: no cache. Needs a current context (it asks the driver what it is).
    explicit ProgramCache(std::filesystem::path directory);

    // $DCMLENS_CACHE_DIR (set but empty or relative: no cache), else $XDG_CACHE_HOME/dcmlens,
    // else $HOME/.cache/dcmlens (absolute paths only); with "programs" appended. Empty when none
    // of these applies.
    static std::filesystem::path defaultDirectory();

    // The program of these sources: from its binary when the cache has a usable one, else
    // compiled (throws dcmlens::Error with the compiler's log) and its binary stored.
    std::unique_ptr<GlProgram> build(const std::string& vertexSource,
                                     const std::string& fragmentSource);

    struct Counts {
        int loaded = 0;    // programs made from a stored binary
        int compiled = 0;  // programs compiled from source
        int stored = 0;    // binaries written
    };
    const Counts& counts() const { return counts_; }
    // The folder in use; empty when programs are compiled every time, and then why.
    const std::filesystem::path& directory() const { return directory_; }
    const std::string& unavailableBecause() const { return unavailable_; }

private:
    std::filesystem::path directory_;
    std::string unavailable_;
    std::string driver_;        // the part of every key that names the driver
    std::vector<int> formats_;  // GL_PROGRAM_BINARY_FORMATS
    Counts counts_;
};

}  // namespace dcmlens::render

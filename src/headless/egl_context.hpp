#pragma once

#include <string>

namespace dcmlens::headless {

// An OpenGL 3.3 core context without any window or X server (EGL, surfaceless where Mesa offers
// it, else an EGL device), current on the calling thread with glad loaded. Throws
// dcmlens::Error when no such context can be made.
class EglContext {
public:
    EglContext();
    ~EglContext();
    EglContext(const EglContext&) = delete;
    EglContext& operator=(const EglContext&) = delete;

    // GL_RENDERER and GL_VERSION, e.g. "llvmpipe (LLVM 15.0.6, 256 bits), 4.5 (Core Profile) Mesa".
    std::string description() const;

private:
    void* display_ = nullptr;
    void* context_ = nullptr;
};

}  // namespace dcmlens::headless

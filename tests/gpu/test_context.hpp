#pragma once

#include "headless/egl_context.hpp"

namespace dcmlens::gputest {

// One EGL context for every GPU test of the process, made current on first use.
inline headless::EglContext& context() {
    static headless::EglContext ctx;
    return ctx;
}

}  // namespace dcmlens::gputest

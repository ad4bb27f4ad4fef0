#pragma once

#include <glad/gl.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "render/renderer.hpp"
#include "series/series_builder.hpp"
#include "session/stack_session.hpp"

namespace dcmlens::app {

// The series browser's thumbnails: each stack's middle image drawn by the GPU through its default
// display (the file's first window, else min-max) into kSize x kSize, made once per stack. The
// shown stack's comes from its own array texture once that image is resident; another stack's
// middle file is decoded and uploaded once, drawn, and its texture freed. GL thread only.
class SeriesThumbnails {
public:
    static constexpr int kSize = 64;

    struct Result {
        GLuint texture = 0;    // 0: not made (yet)
        bool pending = false;  // call again on a later frame
        std::string error;     // why this stack has no thumbnail (reported once)
    };

    // The thumbnail of stack `index`; `shown` is the stack's session when it is the one shown.
    // Decodes at most one file per call sequence: `decodedOne` says one was decoded already.
    Result get(std::size_t index, const series::SeriesStack& stack, session::StackSession* shown,
               render::Renderer& renderer, bool& decodedOne);
    void clear() { made_.clear(); }

private:
    std::map<std::size_t, std::unique_ptr<render::Framebuffer>> made_;  // null: failed
};

}  // namespace dcmlens::app

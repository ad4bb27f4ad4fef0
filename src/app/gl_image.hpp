#pragma once

#include <glad/gl.h>
#include <imgui.h>

#include <cstdint>

namespace dcmlens::app {

// Uploads width x height RGBA8 pixels (row by row, top first) into `texture`, creating it when it
// is 0; nearest filtering, so that image pixels stay pixels when ImGui draws them magnified.
void uploadRgba(GLuint& texture, int width, int height, const std::uint32_t* rgba);

// An ImGui texture id for a GL texture.
inline ImTextureID imguiTexture(GLuint texture) {
    return reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(texture));
}

}  // namespace dcmlens::app

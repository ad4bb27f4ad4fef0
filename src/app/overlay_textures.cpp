#include "app/overlay_textures.hpp"

#include "app/gl_image.hpp"

namespace dcmlens::app {

OverlayTextures::~OverlayTextures() {
    for (auto& [key, e] : textures_) {
        glDeleteTextures(1, &e.texture);
    }
}

GLuint OverlayTextures::upload(int w, int h, const std::vector<std::uint32_t>& rgba) {
    GLuint texture = 0;
    if (w > 0 && h > 0 && rgba.size() == static_cast<std::size_t>(w) * h) {
        uploadRgba(texture, w, h, rgba.data());
    }
    return texture;
}

void OverlayTextures::sweep() {
    for (auto it = textures_.begin(); it != textures_.end();) {
        if (!it->second.used) {
            glDeleteTextures(1, &it->second.texture);
            it = textures_.erase(it);
        } else {
            it->second.used = false;
            ++it;
        }
    }
}

}  // namespace dcmlens::app

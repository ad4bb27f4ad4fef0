#pragma once

#include <glad/gl.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dcmlens::app {

// RGBA textures laid over images (DICOM overlay planes, bit planes), made once per key and kept
// while used; a key not asked for during a frame is freed at the next sweep. GL thread only.
class OverlayTextures {
public:
    OverlayTextures() = default;
    OverlayTextures(const OverlayTextures&) = delete;
    OverlayTextures& operator=(const OverlayTextures&) = delete;
    ~OverlayTextures();

    // The texture for `key`, made by `make` (width, height and top-row-first pixels) when missing.
    template <class Make>
    GLuint get(const std::string& key, Make&& make) {
        auto it = textures_.find(key);
        if (it == textures_.end()) {
            int w = 0;
            int h = 0;
            std::vector<std::uint32_t> rgba;
            make(w, h, rgba);
            it = textures_.emplace(key, Entry{upload(w, h, rgba), true}).first;
        }
        it->second.used = true;
        return it->second.texture;
    }
    // Frees what was not asked for since the last sweep.
    void sweep();

private:
    static GLuint upload(int w, int h, const std::vector<std::uint32_t>& rgba);
    struct Entry {
        GLuint texture = 0;
        bool used = false;
    };
    std::map<std::string, Entry> textures_;
};

}  // namespace dcmlens::app

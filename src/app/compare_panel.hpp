#pragma once

#include <glad/gl.h>
#include <imgui.h>

#include <optional>
#include <string>

#include "pixel/compare.hpp"
#include "pixel/render.hpp"

namespace dcmlens::app {

// The Compare tab's result and its pictures: two frames value by value (A and B side by side,
// rendered through the same display options, and their difference image), or the GPU's view
// against the CPU reference of the same view. Owns its GL textures; GL thread only.
class ComparePanel {
public:
    ComparePanel() = default;
    ComparePanel(const ComparePanel&) = delete;
    ComparePanel& operator=(const ComparePanel&) = delete;
    ~ComparePanel();

    // Compares frame fb of b against frame fa of a (B - A); `key` names the inputs and options:
    // the work is redone only when it changes. Errors (different sizes) are kept for draw().
    void compareValues(const std::string& key, const model::Instance& a, const pixel::FrameRef& fa,
                       const model::Instance& b, const pixel::FrameRef& fb,
                       const pixel::DisplayOptions& options);
    // The GPU's output against the CPU reference of the same view (both RGB or both grey).
    void compareRenders(const pixel::Image& cpu, const pixel::Image& gpu);
    void clear();
    bool isFor(const std::string& key) const { return !key_.empty() && key == key_; }

    // Statistics, A | B side by side (values) and the difference image, fitted to `width`.
    void draw(float width);

    // The difference image's texture (0 when there is none) and whether it covers the viewport
    // (GPU vs CPU) rather than the image (values).
    GLuint differenceTexture() const { return diff_ ? differenceTexture_ : 0; }
    bool coversViewport() const { return renders_; }
    const std::optional<pixel::FrameDifference>& difference() const { return diff_; }

private:
    std::string key_;
    std::string error_;
    bool renders_ = false;
    std::optional<pixel::FrameDifference> diff_;
    GLuint textureA_ = 0;
    GLuint textureB_ = 0;
    GLuint differenceTexture_ = 0;
    ImVec2 sizeA_{0, 0};
    ImVec2 sizeDiff_{0, 0};
};

}  // namespace dcmlens::app

#include "app/compare_panel.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "app/gl_image.hpp"
#include "common/error.hpp"

namespace dcmlens::app {

namespace {

// Uploads an 8-bit grey or RGB image as an RGBA texture for ImGui.
void uploadImage(GLuint& texture, const pixel::Image& image) {
    std::vector<std::uint32_t> rgba(static_cast<std::size_t>(image.width) * image.height);
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            const std::uint8_t* p = image.pixel(x, y);
            const std::uint32_t r = p[0];
            const std::uint32_t g = p[image.channels == 1 ? 0 : 1];
            const std::uint32_t b = p[image.channels == 1 ? 0 : 2];
            rgba[static_cast<std::size_t>(y) * image.width + x] =
                0xFF000000u | b << 16 | g << 8 | r;  // R first in memory (little endian)
        }
    }
    uploadRgba(texture, image.width, image.height, rgba.data());
}

// A rendering of a frame through the display options at most `side` pixels wide and high.
pixel::Image thumbnail(const model::Instance& in, const pixel::FrameRef& ref,
                       const pixel::DisplayOptions& options, int side) {
    const int w = ref.buffer.width();
    const int h = ref.buffer.height();
    const double aspect = pixel::pixelAspect(in.geometry);
    const double scale = std::min(1.0, static_cast<double>(side) / std::max(w * 1.0, h * aspect));
    const int tw = std::max(1, static_cast<int>(w * scale));
    const int th = std::max(1, static_cast<int>(h * aspect * scale));
    return pixel::renderView(in, ref, options, tw, th, pixel::fitView(w, h, aspect, tw, th), false);
}

}  // namespace

ComparePanel::~ComparePanel() {
    for (GLuint t : {textureA_, textureB_, differenceTexture_}) {
        if (t != 0) {
            glDeleteTextures(1, &t);
        }
    }
}

void ComparePanel::clear() {
    key_.clear();
    error_.clear();
    diff_.reset();
}

void ComparePanel::compareValues(const std::string& key, const model::Instance& a,
                                 const pixel::FrameRef& fa, const model::Instance& b,
                                 const pixel::FrameRef& fb, const pixel::DisplayOptions& options) {
    if (key == key_) {
        return;
    }
    clear();
    key_ = key;
    renders_ = false;
    try {
        diff_ = pixel::differenceOf(a, fa, b, fb);
        constexpr int kThumbnail = 256;
        const pixel::Image ta = thumbnail(a, fa, options, kThumbnail);
        uploadImage(textureA_, ta);
        uploadImage(textureB_, thumbnail(b, fb, options, kThumbnail));
        sizeA_ = ImVec2(static_cast<float>(ta.width), static_cast<float>(ta.height));
        const pixel::Image d = pixel::differenceImage(*diff_);
        uploadImage(differenceTexture_, d);
        sizeDiff_ = ImVec2(static_cast<float>(d.width),
                           static_cast<float>(d.height * pixel::pixelAspect(a.geometry)));
    } catch (const Error& e) {
        diff_.reset();
        error_ = e.what();
    }
}

void ComparePanel::compareRenders(const pixel::Image& cpu, const pixel::Image& gpu) {
    clear();
    key_ = "renders";
    renders_ = true;
    try {
        diff_ = pixel::differenceOf(cpu, gpu);
        const pixel::Image d = pixel::differenceImage(*diff_);
        uploadImage(differenceTexture_, d);
        sizeDiff_ = ImVec2(static_cast<float>(d.width), static_cast<float>(d.height));
    } catch (const Error& e) {
        diff_.reset();
        error_ = e.what();
    }
}

void ComparePanel::draw(float width) {
    if (!error_.empty()) {
        ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", error_.c_str());
        return;
    }
    if (!diff_) {
        return;
    }
    const pixel::FrameDifference& d = *diff_;
    ImGui::Text("%s: %zu of %zu pixels differ", d.compared.c_str(), d.differing, d.pixels);
    ImGui::Text("B - A: max |d| %g, mean %.4g, rms %.4g", d.maxAbs, d.mean, d.rms);
    if (!renders_) {
        const float side = std::max(16.0f, (width - 8) / 2);
        const float s = side / std::max(1.0f, std::max(sizeA_.x, sizeA_.y));
        const ImVec2 shown(sizeA_.x * s, sizeA_.y * s);
        ImGui::BeginGroup();
        ImGui::TextUnformatted("A");
        ImGui::Image(imguiTexture(textureA_), shown);
        ImGui::EndGroup();
        ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::TextUnformatted("B");
        ImGui::Image(imguiTexture(textureB_), shown);
        ImGui::EndGroup();
    }
    // The colours of pixel::differenceImage: red turning yellow as B - A grows, blue turning
    // cyan as A - B grows (large differences are mostly yellow or cyan).
    ImGui::TextWrapped(
        "difference: black where equal; red to yellow where B > A, blue to cyan where B < A "
        "(the larger |B - A|, the brighter and the more yellow or cyan)");
    const float s = width / std::max(1.0f, sizeDiff_.x);
    ImGui::Image(imguiTexture(differenceTexture_), ImVec2(sizeDiff_.x * s, sizeDiff_.y * s));
}

}  // namespace dcmlens::app

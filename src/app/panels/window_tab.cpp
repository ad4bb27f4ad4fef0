#include <cstdio>

#include "app/panels/panel.hpp"
#include "pixel/colormap.hpp"

namespace dcmlens::app {

void WindowTab::draw(AppContext& ctx) {
    session::StackSession* session = ctx.activeSessionOrSay();
    if (!session) {
        return;
    }
    workspace::Viewport& v = ctx.active();
    viewer::ViewState& s = v.view;
    const model::Instance& in = session->instanceOf(s.frame);
    const bool grey =
        in.pixel.samplesPerPixel == 1 && in.pixel.photometric != model::Photometric::PaletteColor;
    if (grey) {
        static std::vector<std::string> colormaps;
        if (colormaps.empty()) {
            for (const auto& map : pixel::colormaps()) {
                colormaps.push_back(map.name);
            }
        }
        ui::drawWindowPanel(s, in, session->frameInInstance(s.frame),
                            ctx.viewports.presets(v, ctx.workspace), ctx.activeContext(),
                            colormaps);
    } else {
        // PS3.3 C.11.2: the VOI LUT module applies to greyscale images only; a colour image is
        // shown as its samples are, so nothing here pretends to window it.
        ImGui::TextWrapped(
            "Window/level applies to greyscale images; this %s image shows its samples as they "
            "are (PS3.3 C.11.2).",
            in.pixel.photometricText.c_str());
    }
    ImGui::Separator();
    int frame = s.frame + 1;
    if (ImGui::SliderInt("Image", &frame, 1, std::max(1, s.frameCount))) {
        viewer::goToFrame(s, frame - 1);
    }
    ImGui::Checkbox("Cine (C)", &s.cine);
    ImGui::SameLine();
    float fps = static_cast<float>(ctx.app.cineFps);
    const double fileFps = in.frameTimeMs > 0 ? 1000 / in.frameTimeMs : 15;
    ImGui::SetNextItemWidth(120 * ctx.scale);
    if (ImGui::SliderFloat("fps (+/-)", &fps, 0, 60, fps <= 0 ? "object's" : "%.0f")) {
        ctx.app.cineFps = fps < 0.5f ? 0 : fps;
    }
    ImGui::TextDisabled("object's rate %.1f fps%s; playing at %.1f fps", fileFps,
                        in.frameTimeMs > 0 ? " (Frame Time)" : " (no Frame Time: 15)",
                        ctx.measuredCineFps);
    ImGui::Checkbox("Annotations (A)", &ctx.app.annotations);
    if (ImGui::Button("Fit (F)")) {
        viewer::fitView(s);
    }
    ImGui::SameLine();
    if (ImGui::Button("1:1 (0)")) {
        viewer::oneToOne(s);
    }
    ImGui::SameLine();
    if (ImGui::Button("Flip H (H)")) {
        viewer::flipHorizontally(s);
    }
    ImGui::SameLine();
    if (ImGui::Button("Flip V (V)")) {
        viewer::flipVertically(s);
    }
    if (ImGui::Button("Rotate left ([)")) {
        viewer::rotateCounterClockwise(s);
    }
    ImGui::SameLine();
    if (ImGui::Button("Rotate right (])")) {
        viewer::rotateClockwise(s);
    }
    ImGui::SameLine();
    if (ImGui::Button("Help (F1)")) {
        ctx.app.showHelp = true;
    }
}

}  // namespace dcmlens::app

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "model/display_text.hpp"
#include "ui/panels.hpp"

namespace dcmlens::ui {

namespace {

// The patient direction a unit vector points to (PS3.3 C.7.6.1.1.1): L/R, A/P, H/F letters in
// order of their weight, e.g. "LA".
std::string direction(double x, double y, double z) {
    std::string out;
    const double v[3] = {x, y, z};
    const char* pos[3] = {"L", "P", "H"};
    const char* neg[3] = {"R", "A", "F"};
    int order[3] = {0, 1, 2};
    for (int i = 0; i < 3; ++i) {
        for (int j = i + 1; j < 3; ++j) {
            if (std::abs(v[order[j]]) > std::abs(v[order[i]])) {
                std::swap(order[i], order[j]);
            }
        }
    }
    for (int k : order) {
        if (std::abs(v[k]) > 0.25) {
            out += v[k] > 0 ? pos[k] : neg[k];
        }
    }
    return out;
}

void text(ImDrawList* list, ImVec2 at, const std::string& s) {
    list->AddText(ImVec2(at.x + 1, at.y + 1), IM_COL32(0, 0, 0, 200), s.c_str());
    list->AddText(at, IM_COL32(230, 230, 120, 255), s.c_str());
}

}  // namespace

void drawAnnotations(ImDrawList* list, ImVec2 o, ImVec2 size, const viewer::ViewState& state,
                     const viewer::ViewContext& ctx, const model::Instance& in,
                     const std::string& description, const std::vector<std::string>& notes) {
    const float line = ImGui::GetTextLineHeight();
    char buf[256];
    // Top left: patient and study; top right: series and frame.
    float y = o.y + 6;
    for (const std::string& s :
         {in.patientName + (in.patientId.empty() ? "" : "  (" + in.patientId + ")"),
          in.studyDescription +
              (in.studyDate.empty() ? "" : "  " + model::formatDate(in.studyDate)),
          in.seriesDescription.empty() ? description : in.seriesDescription,
          in.modalityCode + "  " + in.pixel.photometricText}) {
        if (!s.empty()) {
            text(list, ImVec2(o.x + 6, y), s);
            y += line;
        }
    }
    // One line down: the viewport's own menu button sits in the corner.
    std::snprintf(buf, sizeof buf, "Im %d / %d", state.frame + 1, state.frameCount);
    text(list, ImVec2(o.x + size.x - ImGui::CalcTextSize(buf).x - 6, o.y + 6 + line), buf);
    if (in.geometry.position) {
        const auto& p = *in.geometry.position;
        std::snprintf(buf, sizeof buf, "Pos %.1f %.1f %.1f", p[0], p[1], p[2]);
        text(list, ImVec2(o.x + size.x - ImGui::CalcTextSize(buf).x - 6, o.y + 6 + 2 * line), buf);
    }
    // Bottom left, from the bottom up: zoom and view, then what the image shows (the window
    // for greyscale output; colour has none), then the caller's notes (tool, stage, bit plane).
    std::vector<std::string> lines;
    std::snprintf(
        buf, sizeof buf, "Zoom %.0f%%%s%s", viewer::effectiveZoom(state, ctx) * 100,
        state.linear ? "  linear" : "",
        state.orientation.identity() ? "" : ("  " + state.orientation.describe()).c_str());
    lines.emplace_back(buf);
    const bool grey =
        in.pixel.samplesPerPixel == 1 && in.pixel.photometric != model::Photometric::PaletteColor;
    if (grey && state.stage == pixel::DisplayOptions::Stage::Output && state.bitPlane < 0) {
        if (state.voiLut) {
            std::snprintf(buf, sizeof buf, "VOI LUT %d%s", *state.voiLut + 1,
                          state.invert ? "  inverted" : "");
        } else {
            std::snprintf(buf, sizeof buf, "W %.0f  C %.0f%s", state.width, state.center,
                          state.invert ? "  inverted" : "");
        }
        lines.emplace_back(buf);
    }
    for (const std::string& n : notes) {
        lines.push_back(n);
    }
    float by = o.y + size.y - line - 6;
    for (const std::string& l : lines) {
        text(list, ImVec2(o.x + 6, by), l);
        by -= line;
    }

    // Orientation markers from Image Orientation (Patient): the patient direction that points to
    // each edge of the screen, through the view's flip and rotation.
    if (in.geometry.orientation) {
        const auto& r = *in.geometry.orientation;
        auto towards = [&](double sx, double sy) {
            double u = 0, v = 0;  // the image direction shown along the screen direction
            pixel::outputDeltaToView(state.orientation, sx, sy, u, v);
            return direction(r[0] * u + r[3] * v, r[1] * u + r[4] * v, r[2] * u + r[5] * v);
        };
        text(list, ImVec2(o.x + size.x - 20, o.y + size.y / 2), towards(1, 0));
        text(list, ImVec2(o.x + 6, o.y + size.y / 2), towards(-1, 0));
        text(list, ImVec2(o.x + size.x / 2, o.y + 6 + 3 * line), towards(0, -1));
        text(list, ImVec2(o.x + size.x / 2, o.y + size.y - 3 * line), towards(0, 1));
    }
    // Scale bar from Pixel Spacing: a round length near a fifth of the view. Screen pixels are
    // square, so mm per screen pixel is the same along either axis whatever the rotation.
    if (in.geometry.pixelSpacing && (*in.geometry.pixelSpacing)[1] > 0) {
        const double mmPerScreenPixel =
            (*in.geometry.pixelSpacing)[1] / viewer::effectiveZoom(state, ctx);
        const double target = size.x / 5 * mmPerScreenPixel;
        double length = std::pow(10.0, std::floor(std::log10(target)));
        if (length * 5 <= target) {
            length *= 5;
        } else if (length * 2 <= target) {
            length *= 2;
        }
        const float pixels = static_cast<float>(length / mmPerScreenPixel);
        const ImVec2 end(o.x + size.x - 10, o.y + size.y - 12);
        list->AddLine(ImVec2(end.x - pixels, end.y), end, IM_COL32(230, 230, 120, 255), 2);
        std::snprintf(buf, sizeof buf, length >= 10 ? "%.0f mm" : "%.1f mm", length);
        text(list, ImVec2(end.x - pixels, end.y - line - 2), buf);
    }
}

void drawHelp(bool* open) {
    if (!*open) {
        return;
    }
    ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 40, 0), ImGuiCond_Always);
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
    if (ImGui::Begin("Shortcuts (F1 or ?)", open, ImGuiWindowFlags_NoCollapse)) {
        const char* rows[][2] = {
            {"Left drag", "window/level (greyscale): right = wider, down = higher center"},
            {"Shift + left drag", "window/level, fine steps"},
            {"Left drag, measuring", "the Measure tab's tool; Esc cancels, then back to W/L"},
            {"Wheel, Up / Down", "previous / next image (Shift: this viewport alone)"},
            {"Page Up / Page Down", "10 images back / forward"},
            {"Home / End", "first / last image"},
            {"Ctrl + wheel, right drag", "zoom about the cursor"},
            {"Middle drag, Space + drag", "pan"},
            {"F", "fit to the viewport"},
            {"0", "one image pixel per screen pixel"},
            {"R", "reset view, window, flip and rotation"},
            {"H / V", "flip horizontally / vertically"},
            {"[ / ]", "rotate left / right by 90 degrees"},
            {"I", "invert"},
            {"1 - 9", "window presets (a tenth has no key)"},
            {"L", "bilinear interpolation on/off"},
            {"M", "next colormap"},
            {"C, + / -", "cine play / pause, faster / slower"},
            {"A", "annotations on/off"},
            {"Tab", "next viewport"},
            {"Ctrl + 1 ... 6", "layouts 1x1, 1x2, 2x1, 2x2, 1x3, 3x3"},
            {"K", "linked scrolling on/off"},
            {"Ctrl + M", "MPR layout (in a plane: click crosshair, Alt+drag turn)"},
            {"Ctrl + O", "open a file or folder"},
            {"Ctrl + E", "export the view with annotations (PNG)"},
            {"Ctrl + Q", "quit"},
            {"S", "stage view: VOI, modality, stored values, output"},
            {"P", "pin the probe at the cursor (Probe tab)"},
            {"Drop files", "open them"},
        };
        if (ImGui::BeginTable("keys", 2)) {
            for (const auto& row : rows) {
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(row[0]);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(row[1]);
            }
            ImGui::EndTable();
        }
    }
    ImGui::End();
}

}  // namespace dcmlens::ui

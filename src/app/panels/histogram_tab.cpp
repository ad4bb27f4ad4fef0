#include <cmath>
#include <cstdio>

#include "app/panels/panel.hpp"
#include "model/display_text.hpp"
#include "pixel/modality.hpp"

namespace dcmlens::app {

// The shown frame's modality values (read back from the GPU once per frame) with the window drawn
// over them; dragging a window edge moves that edge, dragging inside moves the window. The value
// axis is labelled under the plot.
void HistogramTab::draw(AppContext& ctx) {
    session::StackSession* session = ctx.activeSession();
    workspace::Viewport& v = ctx.active();
    if (!session || !session->resident(v.view.frame)) {
        ImGui::TextDisabled("no image yet");
        return;
    }
    const model::Instance& in = session->instanceOf(v.view.frame);
    if (in.pixel.samplesPerPixel != 1 || in.pixel.photometric == model::Photometric::PaletteColor) {
        ImGui::TextDisabled("histograms are for greyscale images");
        return;
    }
    const int f = session->frameInInstance(v.view.frame);
    const pixel::ModalityTransform modality(in.modalityFor(f), in.pixel);
    const workspace::Series* series = ctx.workspace.find(v.seriesId);
    const auto key = std::make_tuple(v.seriesId, series ? series->sessionSerial : 0, v.view.frame);
    const model::PixelBuffer* values = v.frameValues(ctx.workspace);
    if (!values) {
        return;
    }
    if (for_ != key) {
        histogram_ = pixel::histogram(*values, 0, modality, in.padding, 256);
        const std::vector<double> all = pixel::modalityValues(*values, 0, modality, in.padding);
        double sum = 0;
        double sum2 = 0;
        for (double x : all) {
            sum += x;
            sum2 += x * x;
        }
        const double n = static_cast<double>(std::max<std::size_t>(1, all.size()));
        stats_ = {static_cast<double>(all.size()), sum / n,
                  std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n)))};
        for_ = key;
    }
    const pixel::Histogram& h = histogram_;
    const std::string unit = model::modalityUnits(in.modalityFor(f), in.modalityCode);
    ImGui::TextWrapped("n %.0f  mean %.2f  SD %.2f  min %g  max %g %s", stats_[0], stats_[1],
                       stats_[2], h.range.min, h.range.max, unit.c_str());
    const ImVec2 size(ImGui::GetContentRegionAvail().x, 180 * ctx.scale);
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("histogram", size);
    ImDrawList* list = ImGui::GetWindowDrawList();
    list->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), IM_COL32(20, 20, 24, 255));
    std::uint32_t peak = 1;
    for (auto c : h.counts) {
        peak = std::max(peak, c);
    }
    const float bar = size.x / static_cast<float>(h.counts.size());
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
        // Square-root scale: the tissue peaks stay visible next to the air peak.
        const float height =
            size.y * std::sqrt(static_cast<float>(h.counts[i]) / static_cast<float>(peak));
        list->AddRectFilled(ImVec2(o.x + bar * static_cast<float>(i), o.y + size.y - height),
                            ImVec2(o.x + bar * static_cast<float>(i + 1), o.y + size.y),
                            IM_COL32(150, 150, 160, 255));
    }
    const double span = std::max(1e-9, h.range.max - h.range.min);
    auto toX = [&](double value) {
        return o.x + static_cast<float>((value - h.range.min) / span) * size.x;
    };
    auto toValue = [&](float x) { return h.range.min + (x - o.x) / size.x * span; };
    const double lo = v.view.center - v.view.width / 2;
    const double hi = v.view.center + v.view.width / 2;
    list->AddRectFilled(ImVec2(toX(lo), o.y), ImVec2(toX(hi), o.y + size.y),
                        IM_COL32(230, 200, 60, 40));
    list->AddLine(ImVec2(toX(lo), o.y), ImVec2(toX(lo), o.y + size.y), IM_COL32(230, 200, 60, 255),
                  2);
    list->AddLine(ImVec2(toX(hi), o.y), ImVec2(toX(hi), o.y + size.y), IM_COL32(230, 200, 60, 255),
                  2);
    const ImGuiIO& io = ImGui::GetIO();
    if (ImGui::IsItemClicked()) {
        const float x = io.MousePos.x;
        drag_ = std::abs(x - toX(lo)) < 6 ? 1 : std::abs(x - toX(hi)) < 6 ? 2 : 3;
        dragStart_ = {lo, hi, static_cast<double>(x)};
    }
    if (drag_ != 0 && ImGui::IsMouseDown(0)) {
        const double value = toValue(io.MousePos.x);
        double newLo = dragStart_[0];
        double newHi = dragStart_[1];
        if (drag_ == 1) {
            newLo = std::min(value, newHi - 1);
        } else if (drag_ == 2) {
            newHi = std::max(value, newLo + 1);
        } else {
            const double shift = (io.MousePos.x - dragStart_[2]) / size.x * span;
            newLo += shift;
            newHi += shift;
        }
        v.view.center = (newLo + newHi) / 2;
        v.view.width = newHi - newLo;
        v.view.voiLut.reset();
    } else {
        drag_ = 0;
    }
    // The value axis: the range's ends and three ticks between, in modality units.
    for (int t = 0; t <= 4; ++t) {
        const double value = h.range.min + span * t / 4;
        char label[32];
        std::snprintf(label, sizeof label, "%.0f", value);
        const float w = ImGui::CalcTextSize(label).x;
        const float x = std::clamp(toX(value) - w / 2, o.x, o.x + size.x - w);
        list->AddText(ImVec2(x, o.y + size.y + 2), IM_COL32(200, 200, 200, 255), label);
    }
    ImGui::Dummy(ImVec2(size.x, ImGui::GetTextLineHeight() + 4));
    ImGui::TextDisabled("%s; counts on a square-root scale. Drag a window edge, or inside it",
                        unit.empty() ? "modality values" : unit.c_str());
}

}  // namespace dcmlens::app

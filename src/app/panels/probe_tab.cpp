#include <cstdio>

#include "app/panels/panel.hpp"
#include "app/probe.hpp"
#include "model/display_text.hpp"

namespace dcmlens::app {

namespace {

void row(const char* name, const std::string& value) {
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name);
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", value.c_str());
}

}  // namespace

void ProbeTab::draw(AppContext& ctx) {
    drawPins(ctx);
    ImGui::Separator();
    const std::optional<Probe>& probe = ctx.probe;
    session::StackSession* session = ctx.activeSession();
    if (!probe || !session || probe->viewport != ctx.viewports.active()) {
        ImGui::TextDisabled("move the cursor over the active viewport's image");
        return;
    }
    if (probe->plane) {
        drawPlaneProbe(*probe);
        return;
    }
    const model::Instance& in = session->instanceOf(probe->frame);
    const auto& px = in.pixel;
    // The word as decoded comes from the file, decoded again once per frame while this shows.
    const model::PixelBuffer* words = raw_.of(in, session->frameInInstance(probe->frame));
    ImGui::Text("column %d, row %d, image %d", probe->x, probe->y, probe->frame + 1);
    if (!ImGui::BeginTable("stages", 2,
                           ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                               ImGuiTableFlags_SizingStretchProp)) {
        return;
    }
    ImGui::TableSetupColumn("stage", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    char buf[200];
    if (words && probe->x < words->width() && probe->y < words->height()) {
        const std::int64_t raw = words->at(0, probe->x, probe->y, 0);
        std::string bits;
        for (int b = px.bitsAllocated - 1; b >= 0; --b) {
            const bool inField = b <= px.highBit && b > px.highBit - px.bitsStored;
            const char c = ((raw >> b) & 1) ? '1' : '0';
            bits += inField ? std::string(1, c) : std::string(1, c == '1' ? 'x' : '.');
            if (b % 8 == 0 && b > 0) {
                bits += ' ';
            }
        }
        std::snprintf(buf, sizeof buf, "0x%0*llX", (px.bitsAllocated + 3) / 4,
                      static_cast<unsigned long long>(raw));
        row("raw word", buf);
        row("bits", bits + "  (x/. outside Bits Stored)");
    }
    if (probe->kind == Probe::Kind::Colour) {
        const auto& v = probe->samples;
        std::snprintf(buf, sizeof buf, "%lld %lld %lld (%s as decoded)",
                      static_cast<long long>(v[0]), static_cast<long long>(v[1]),
                      static_cast<long long>(v[2]), model::photometricName(in.decodedPhotometric));
        row("samples", buf);
        if (const auto& c = probe->converted) {
            std::snprintf(buf, sizeof buf, "%lld %lld %lld", static_cast<long long>((*c)[0]),
                          static_cast<long long>((*c)[1]), static_cast<long long>((*c)[2]));
            row("YBR -> RGB", buf);
        }
        std::snprintf(buf, sizeof buf, "%d %d %d", probe->rgb[0], probe->rgb[1], probe->rgb[2]);
        row("8-bit RGB", buf);
        ImGui::EndTable();
        return;
    }
    std::snprintf(buf, sizeof buf, "%lld (%s, %d of %d bits, high bit %d)",
                  static_cast<long long>(probe->stored), px.isSigned ? "signed" : "unsigned",
                  px.bitsStored, px.bitsAllocated, px.highBit);
    row("stored", buf);
    if (probe->kind == Probe::Kind::Palette) {
        row("palette index", std::to_string(probe->stored));
        std::snprintf(buf, sizeof buf, "%d %d %d", probe->rgb[0], probe->rgb[1], probe->rgb[2]);
        row("palette RGB", buf);
        ImGui::EndTable();
        return;
    }
    const int f = session->frameInInstance(probe->frame);
    if (probe->modalityLutEntry) {
        std::snprintf(buf, sizeof buf, "%g  (Modality LUT entry %lld)", probe->modality,
                      static_cast<long long>(*probe->modalityLutEntry));
    } else {
        std::snprintf(buf, sizeof buf, "%g %s", probe->modality,
                      model::modalityUnits(in.modalityFor(f), in.modalityCode).c_str());
    }
    row("modality", buf);
    std::snprintf(buf, sizeof buf, "%.6f", probe->voi);
    row("VOI output", buf);
    row("8-bit", std::to_string(probe->output));
    std::snprintf(buf, sizeof buf, "%s: %d %d %d", ctx.active().view.colormap.c_str(),
                  probe->rgb[0], probe->rgb[1], probe->rgb[2]);
    row("colour", buf);
    ImGui::EndTable();
}

// A plane's output pixel: where it is in the patient, the nearest voxel (for MIP/MinIP the one
// the value came from) and its file, its stored and modality values, the value the pixel shows
// before VOI (interpolated or projected), then VOI and the 8-bit level.
void ProbeTab::drawPlaneProbe(const Probe& probe) {
    const pixel::PlaneProbe& q = probe.plane->probe;
    ImGui::Text("output pixel %d, %d of the plane", probe.x, probe.y);
    if (!ImGui::BeginTable("plane stages", 2,
                           ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                               ImGuiTableFlags_SizingStretchProp)) {
        return;
    }
    ImGui::TableSetupColumn("stage", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    char buf[200];
    std::snprintf(buf, sizeof buf, "%.2f, %.2f, %.2f mm (LPS)", q.position[0], q.position[1],
                  q.position[2]);
    row("position", buf);
    if (q.state == pixel::VolumeSample::State::Outside) {
        row("voxel", "outside the volume");
        ImGui::EndTable();
        return;
    }
    if (q.state == pixel::VolumeSample::State::Missing) {
        row("voxel", "its slice is not loaded yet");
    }
    std::snprintf(buf, sizeof buf, "column %d, row %d, slice %d%s", q.column, q.row, q.slice + 1,
                  q.projection == pixel::Projection::Mip || q.projection == pixel::Projection::MinIp
                      ? " (the slice the value came from)"
                      : " (nearest)");
    row("voxel", buf);
    row("file", probe.plane->file);
    row("stored", std::to_string(q.stored));
    std::snprintf(buf, sizeof buf, "%g", q.modality);
    row("modality", buf);
    std::snprintf(
        buf, sizeof buf, "%g (%s%s)", q.value,
        q.projection == pixel::Projection::None ? "sampled" : pixel::projectionName(q.projection),
        q.samples > 1 ? (", " + std::to_string(q.samples) + " samples").c_str() : "");
    row("value", buf);
    std::snprintf(buf, sizeof buf, "%.6f", q.voi);
    row("VOI output", buf);
    row("8-bit", std::to_string(q.output));
    ImGui::EndTable();
}

// Pinned probes (P pins the pixel under the cursor): every stage of each, one row per pin.
void ProbeTab::drawPins(AppContext& ctx) {
    workspace::Viewport& v = ctx.active();
    auto& pins = v.view.pins;
    if (pins.empty()) {
        ImGui::TextDisabled("P pins the pixel under the cursor");
        return;
    }
    ImGui::Text("pinned (%zu)", pins.size());
    ImGui::SameLine();
    if (ImGui::SmallButton("clear")) {
        pins.clear();
        return;
    }
    // Probed again only when the pins, the window or their images' residency change: a pin on
    // another image would otherwise decode its file again every UI frame.
    session::StackSession* session = ctx.activeSession();
    std::string key = std::to_string(v.seriesId) + ";" + std::to_string(v.view.center) + "," +
                      std::to_string(v.view.width) + "," +
                      std::to_string(static_cast<int>(v.view.function)) + "," +
                      std::to_string(v.view.invert) + "," + v.view.colormap;
    for (const viewer::Pin& pin : pins) {
        key += ";" + std::to_string(pin.x) + "," + std::to_string(pin.y) + "," +
               std::to_string(pin.frame) + "," +
               std::to_string(session && session->resident(pin.frame));
    }
    if (key != pinsKey_) {
        pinsKey_ = key;
        pinProbes_.clear();
        for (const viewer::Pin& pin : pins) {
            pinProbes_.push_back(
                probePixel(ctx.workspace, v, ctx.viewports.active(), pin.frame, pin.x, pin.y));
        }
    }
    if (!ImGui::BeginTable("pins", 7,
                           ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                               ImGuiTableFlags_SizingFixedFit)) {
        return;
    }
    for (const char* h : {"#", "image", "x, y", "stored", "modality", "VOI", "8-bit"}) {
        ImGui::TableSetupColumn(h);
    }
    ImGui::TableHeadersRow();
    for (std::size_t i = 0; i < pins.size(); ++i) {
        const viewer::Pin& pin = pins[i];
        const std::optional<Probe>& p = pinProbes_[i];
        ImGui::TableNextColumn();
        ImGui::Text("%zu", i + 1);
        ImGui::TableNextColumn();
        ImGui::Text("%d", pin.frame + 1);
        ImGui::TableNextColumn();
        ImGui::Text("%d, %d", pin.x, pin.y);
        if (!p) {
            ImGui::TableNextColumn();
            ImGui::TextDisabled("not loaded");
            for (int c = 0; c < 3; ++c) {
                ImGui::TableNextColumn();
            }
            continue;
        }
        ImGui::TableNextColumn();
        ImGui::Text("%lld", static_cast<long long>(p->stored));
        ImGui::TableNextColumn();
        ImGui::Text("%g", p->modality);
        ImGui::TableNextColumn();
        ImGui::Text("%.3f", p->voi);
        ImGui::TableNextColumn();
        ImGui::Text("%d", p->output);
    }
    ImGui::EndTable();
}

}  // namespace dcmlens::app

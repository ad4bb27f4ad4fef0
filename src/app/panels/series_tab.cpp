#include <cstdio>

#include "app/panels/panel.hpp"
#include "model/display_text.hpp"

namespace dcmlens::app {

// Opens in progress, the active viewport's loading, then the studies and series of the
// workspace with a thumbnail each: click shows a series in the active viewport, drag it onto
// any viewport.
void SeriesTab::draw(AppContext& ctx) {
    for (const workspace::Opening& o : ctx.workspace.openings()) {
        char text[256];
        if (o.progress.total > 0) {
            std::snprintf(text, sizeof text, "%s: %s %zu of %zu", o.name.c_str(),
                          o.progress.stage.c_str(), o.progress.done, o.progress.total);
        } else {
            std::snprintf(text, sizeof text, "%s: %s, %zu so far", o.name.c_str(),
                          o.progress.stage.c_str(), o.progress.done);
        }
        const float fraction = o.progress.total ? static_cast<float>(o.progress.done) /
                                                      static_cast<float>(o.progress.total)
                                                : 0.0f;
        ImGui::ProgressBar(fraction, ImVec2(-1, 0), text);
    }
    if (ctx.workspace.opening() && ImGui::Button("Cancel opening")) {
        ctx.workspace.cancelOpenings();
    }
    if (session::StackSession* session = ctx.activeSession()) {
        const auto p = session->progress();
        const float fraction =
            p.total ? static_cast<float>(p.done) / static_cast<float>(p.total) : 1.0f;
        char text[160];
        // The shown series' files (a folder may hold other series: the list below).
        std::snprintf(text, sizeof text, "%zu of %s of this series loaded, %.0f MB/s%s", p.done,
                      model::countText(p.total, "file").c_str(),
                      p.seconds > 0 ? static_cast<double>(p.bytes) / 1e6 / p.seconds : 0.0,
                      p.cancelled ? " (cancelled)" : "");
        ImGui::ProgressBar(fraction, ImVec2(-1, 0), text);
        if (!p.finished() && !p.cancelled && ImGui::Button("Cancel loading")) {
            session->cancelLoading();
        }
    }
    std::string study;
    bool madeThumbnail = false;
    const auto& all = ctx.workspace.series();
    const int shownId = ctx.active().seriesId;
    const float side = static_cast<float>(SeriesThumbnails::kSize);
    for (std::size_t i = 0; i < all.size(); ++i) {
        const workspace::Series& s = all[i];
        const model::Instance& first = *s.stack.instances.front();
        if (first.studyInstanceUid != study || i == 0) {
            study = first.studyInstanceUid;
            ImGui::Separator();
            ImGui::TextWrapped("%s  %s  %s", first.patientName.c_str(),
                               model::formatDate(first.studyDate).c_str(),
                               first.studyDescription.c_str());
        }
        const SeriesThumbnails::Result thumb = thumbnails_.get(
            static_cast<std::size_t>(s.id), s.stack, s.session.get(), ctx.renderer, madeThumbnail);
        if (!thumb.error.empty()) {
            ctx.workspace.addError(thumb.error);
        }
        ImGui::PushID(s.id);
        if (ImGui::Selectable("##series", s.id == shownId, 0, ImVec2(0, side))) {
            if (s.id != shownId) {
                ctx.actions.showSeries(ctx.viewports.active(), s.id);
            }
        }
        if (ImGui::BeginDragDropSource()) {
            ImGui::SetDragDropPayload("DCMLENS_SERIES", &s.id, sizeof s.id);
            ImGui::Text("%s", s.stack.description.c_str());
            ImGui::EndDragDropSource();
        }
        ImGui::SameLine(4);
        if (thumb.texture != 0) {
            ImGui::Image(imguiTexture(thumb.texture), ImVec2(side, side), ImVec2(0, 1),
                         ImVec2(1, 0));
            ctx.remember("thumbnail " + std::to_string(i + 1));
        } else {
            ImGui::Dummy(ImVec2(side, side));
        }
        ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::TextWrapped("%s", first.seriesDescription.empty() ? "(no description)"
                                                                 : first.seriesDescription.c_str());
        const std::size_t n = s.stack.frameCount();
        ImGui::TextDisabled("%s, %s, %dx%d", first.modalityCode.c_str(),
                            model::countText(n, "image").c_str(), first.pixel.columns,
                            first.pixel.rows);
        ImGui::EndGroup();
        ImGui::PopID();
    }
    if (!all.empty()) {
        ImGui::Separator();
        ImGui::TextDisabled("click: show in the active viewport; drag onto any viewport");
    }
}

}  // namespace dcmlens::app

#include "app/panels/panel.hpp"
#include "render/program_cache.hpp"

namespace dcmlens::app {

void InfoTab::draw(AppContext& ctx) {
    session::StackSession* session = ctx.activeSessionOrSay();
    if (!session) {
        return;
    }
    const workspace::Viewport& v = ctx.active();
    const model::Instance& in = session->instanceOf(v.view.frame);
    ImGui::TextWrapped("%s", in.path.c_str());
    if (in.pixel.frames > 1) {
        ImGui::Text("frame %d of %d", session->frameInInstance(v.view.frame) + 1, in.pixel.frames);
    }
    ImGui::TextWrapped("%s", in.transferSyntaxName.c_str());
    ImGui::TextWrapped("%s", in.sopClassName.c_str());
    ImGui::TextWrapped("%d x %d, %s, %d-bit stored (%s)", in.pixel.columns, in.pixel.rows,
                       in.pixel.photometricText.c_str(), in.pixel.bitsStored,
                       in.pixel.isSigned ? "signed" : "unsigned");
    ImGui::Text("GPU upload: %.1f MB", static_cast<double>(ctx.renderer.uploadedBytes()) / 1e6);
    if (const render::GpuImage* image = session->image()) {
        ImGui::TextWrapped("%s", image->sharedMemory()
                                     ? "Layers: shared memory (the software GL driver samples the "
                                       "decoded values in place: nothing is uploaded)"
                                     : "Layers: textures");
    }
    if (session->windowed()) {
        ImGui::TextWrapped("%s", session->windowMessage().c_str());
    }
    const render::ProgramCache& programs = ctx.renderer.programCache();
    ImGui::Text("Shader programs: %d from the cache, %d compiled", programs.counts().loaded,
                programs.counts().compiled);
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("%s", programs.directory().empty()
                                    ? programs.unavailableBecause().c_str()
                                    : programs.directory().string().c_str());
    }
    if (const workspace::Series* series = ctx.workspace.find(v.seriesId)) {
        if (series->geometry.spacing > 0) {
            ImGui::Text("slice spacing %.3f mm", series->geometry.spacing);
        }
        for (const std::string& w : series->geometry.warnings) {
            ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.7f, 0.3f, 1));
            ImGui::TextWrapped("%s", w.c_str());
            ImGui::PopStyleColor();
        }
    }
}

}  // namespace dcmlens::app

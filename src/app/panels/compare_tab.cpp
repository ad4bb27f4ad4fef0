#include "app/panels/panel.hpp"
#include "common/error.hpp"
#include "viewer/commands.hpp"

namespace dcmlens::app {

namespace {

// The display pipeline of a viewport, as a key for results computed from it.
std::string displayKey(const viewer::ViewState& s) {
    return std::to_string(s.center) + "," + std::to_string(s.width) + "," +
           std::to_string(static_cast<int>(s.function)) + "," +
           std::to_string(s.voiLut.value_or(-1)) + "," + std::to_string(s.invert) + "," +
           s.colormap + "," + pixel::stageName(s.stage);
}

}  // namespace

// What a comparison of values depends on besides its inputs: the shown image and how A and B are
// displayed side by side; not zoom or pan.
std::string CompareTab::valuesKey(AppContext& ctx) const {
    const workspace::Viewport& v = ctx.active();
    return std::to_string(ctx.viewports.active()) + ":" + std::to_string(v.seriesId) + ":" +
           std::to_string(v.view.frame) + "," + displayKey(v.view);
}

// What the GPU-vs-CPU comparison depends on: the whole view, size, zoom, pan and turn included.
std::string CompareTab::viewKey(AppContext& ctx) const {
    const workspace::Viewport& v = ctx.active();
    const pixel::ViewMapping m = viewer::viewMapping(v.view, ctx.activeContext());
    return valuesKey(ctx) + "," + std::to_string(v.view.linear) + "," + std::to_string(m.offsetX) +
           "," + std::to_string(m.offsetY) + "," + std::to_string(m.scaleX) + "," +
           std::to_string(m.scaleY) + "," + m.orientation.describe() + "," +
           std::to_string(ctx.activeSize.x) + "x" + std::to_string(ctx.activeSize.y);
}

void CompareTab::draw(AppContext& ctx) {
    const float width = ImGui::GetContentRegionAvail().x;
    session::StackSession* session = ctx.activeSession();
    workspace::Viewport& v = ctx.active();
    if (!session || !session->resident(v.view.frame)) {
        ImGui::TextDisabled("no image yet");
        return;
    }
    const model::Instance& in = session->instanceOf(v.view.frame);
    const int before = source_;
    ImGui::RadioButton("another image", &source_, 0);
    ImGui::SameLine();
    ImGui::RadioButton("a file", &source_, 1);
    ImGui::SameLine();
    ImGui::RadioButton("GPU vs CPU", &source_, 2);
    ctx.remember("compare: GPU vs CPU");
    if (source_ != before) {
        compare_.clear();
    }
    if (source_ == 0) {
        int b = frameB_ + 1;
        ImGui::SliderInt("image B", &b, 1, std::max(1, v.view.frameCount));
        frameB_ = std::clamp(b - 1, 0, std::max(0, v.view.frameCount - 1));
    } else if (source_ == 1) {
        // Loaded on Enter, not on every keystroke of a path being typed.
        if (ImGui::InputText("file B", file_, sizeof file_, ImGuiInputTextFlags_EnterReturnsTrue)) {
            fileChosen_ = file_;
        }
    }
    ImGui::Checkbox("show the difference over the image", &overlay_);
    ImGui::Separator();
    pixel::DisplayOptions options = viewer::displayOptions(v.view, in);
    if (auto w = v.stageWindow(ctx.workspace)) {
        options.center = w->center;
        options.width = w->width;
    }
    const int f = session->frameInInstance(v.view.frame);
    const std::string values = valuesKey(ctx);
    const model::PixelBuffer* a = v.frameValues(ctx.workspace);
    if (!a) {
        return;
    }
    if (source_ == 0) {
        if (!session->resident(frameB_)) {
            ImGui::TextDisabled("image B is not loaded yet");
            return;
        }
        const std::string key = "frame:" + std::to_string(frameB_) + ":" + values;
        if (!compare_.isFor(key)) {  // values are read back from the GPU once per change
            const model::PixelBuffer aValues(*a);
            const model::Instance& inB = session->instanceOf(frameB_);
            const model::PixelBuffer b =
                inB.stored.empty()
                    ? ctx.renderer.readLayer(*session->image(), session->layerOf(frameB_))
                    : inB.stored.frame(session->frameInInstance(frameB_));
            compare_.compareValues(key, in, {aValues, 0, f}, inB,
                                   {b, 0, session->frameInInstance(frameB_)}, options);
            shownView_ = values;
        }
    } else if (source_ == 1) {
        if (fileChosen_.empty()) {
            ImGui::TextDisabled("type the path of a file of the same size, then Enter");
            return;
        }
        if (fileLoaded_ != fileChosen_) {
            fileLoaded_ = fileChosen_;
            fileError_.clear();
            try {
                dicom::DicomFile file(fileChosen_);
                fileFrame_ = file.decodeFrame(0);
                fileInstance_ = file.release();
            } catch (const Error& e) {
                fileError_ = e.what();
                fileFrame_ = model::PixelBuffer();
            }
            compare_.clear();
        }
        if (!fileError_.empty()) {
            ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", fileError_.c_str());
            return;
        }
        const std::string key = "file:" + fileChosen_ + ":" + values;
        if (!compare_.isFor(key)) {
            compare_.compareValues(key, in, {*a, 0, f}, fileInstance_, {fileFrame_, 0, 0}, options);
            shownView_ = values;
        }
    } else {
        ImGui::TextWrapped(
            "A: the CPU reference (src/pixel) of the view as shown; B: the GPU's output.");
        const std::string view = viewKey(ctx);
        // The viewport is drawn at the start of each UI frame: a view seen on the frame before
        // is the one its framebuffer holds now.
        const bool settled = view == pending_;
        pending_ = view;
        const render::Framebuffer* target = v.target();
        if ((ImGui::Button("compare again") || view_ != view || !compare_.difference()) &&
            settled && target) {
            const viewer::ViewContext c = ctx.activeContext();
            const pixel::Image cpu =
                pixel::renderView(in, {*a, 0, f}, options, target->width(), target->height(),
                                  viewer::viewMapping(v.view, c), v.view.linear);
            // Grey output is R = G = B on the GPU: its red channel, as `compare` does.
            const pixel::Image gpu = target->read(cpu.channels);
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
            compare_.compareRenders(cpu, gpu);
            view_ = view;
            shownView_ = view;
        }
    }
    compare_.draw(width);
}

void CompareTab::drawOverlay(AppContext& ctx, ImDrawList* list, ImVec2 origin, ImVec2 size) {
    const GLuint texture = compare_.differenceTexture();
    if (!overlay_ || texture == 0) {
        return;
    }
    const std::string current = compare_.coversViewport() ? viewKey(ctx) : valuesKey(ctx);
    if (shownView_ != current) {
        return;  // the difference belongs to another view
    }
    if (compare_.coversViewport()) {
        list->AddImage(imguiTexture(texture), origin, ImVec2(origin.x + size.x, origin.y + size.y));
    } else {
        ImVec2 quad[4];
        ViewportView::imageQuad(ctx.viewports, ctx.workspace, ctx.active(), origin, size, quad);
        list->AddImageQuad(imguiTexture(texture), quad[0], quad[1], quad[2], quad[3]);
    }
}

}  // namespace dcmlens::app

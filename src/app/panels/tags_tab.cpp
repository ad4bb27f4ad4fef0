#include "app/panels/panel.hpp"
#include "common/error.hpp"

namespace dcmlens::app {

namespace {

// An enhanced object's Per-frame Functional Groups Sequence (5200,9230) has one item per frame:
// only the shown frame's is kept, so the tags read as that frame's (PS3.3 C.7.6.16).
void keepFrameGroups(std::vector<model::TagNode>& tags, int frame) {
    for (model::TagNode& n : tags) {
        if (n.group == 0x5200 && n.element == 0x9230 && frame < static_cast<int>(n.items.size())) {
            model::TagItem item = n.items[static_cast<std::size_t>(frame)];
            const std::size_t count = n.items.size();
            n.items = {std::move(item)};
            n.value = "frame " + std::to_string(frame + 1) + " of " + std::to_string(count) +
                      " (the shown frame's item)";
        }
    }
}

}  // namespace

void TagsTab::draw(AppContext& ctx) {
    session::StackSession* session = ctx.activeSessionOrSay();
    if (!session) {
        return;
    }
    const workspace::Viewport& v = ctx.active();
    const model::Instance& in = session->instanceOf(v.view.frame);
    const int f = session->frameInInstance(v.view.frame);
    if (in.path.rfind("demo:", 0) == 0) {
        ImGui::TextDisabled("the demo stack has no file");
        return;
    }
    // The tags follow the shown image (and frame): read again when either changes.
    if (path_ != in.path || frame_ != f) {
        path_ = in.path;
        frame_ = f;
        error_.clear();
        try {
            std::vector<model::TagNode> tags = dicom::openInstance(in)->tagTree();
            keepFrameGroups(tags, f);
            shown_ = tags;
            tags_.setTags(std::move(tags));
        } catch (const Error& e) {
            tags_.setTags({});
            shown_.clear();
            error_ = e.what();
        }
    }
    ImGui::TextWrapped("%s%s", in.path.c_str(),
                       in.pixel.frames > 1 ? (", frame " + std::to_string(f + 1) + " of " +
                                              std::to_string(in.pixel.frames))
                                                 .c_str()
                                           : "");
    if (!error_.empty()) {
        ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", error_.c_str());
    }
    tags_.draw();
}

std::string TagsTab::value(std::uint16_t group, std::uint16_t element) const {
    for (const model::TagNode& n : shown_) {
        if (n.group == group && n.element == element) {
            return n.value;
        }
    }
    return {};
}

}  // namespace dcmlens::app

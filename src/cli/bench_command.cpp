// `dcmlens bench PATH [--json] [--viewport WxH]`: the viewer's real code paths, headless (EGL):
// open a folder (headers, grouping, sorting, background decoding, chunked upload), time the first
// image shown and the whole series resident, then a window/level drag of 200 steps and a scroll
// through every image twice, with the bytes uploaded during each, and the peak RSS.
// With --plane (and --at, --axes, --slab, --projection, --interp) the stack is shown as that
// plane of its volume from the start: the first MPR frame (drawn while slices still load) and the
// first complete one, then, after the 2D steps, 100 plane moves along the normal and 50 window
// steps on the plane, with the bytes uploaded and the peak RSS before and after.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "cli/arguments.hpp"
#include "cli/bench_layout.hpp"
#include "cli/bench_stats.hpp"
#include "cli/commands.hpp"
#include "cli/json_writer.hpp"
#include "cli/plane_engine.hpp"
#include "cli/remote_input.hpp"
#include "cli/render_engine.hpp"
#include "cli/report.hpp"
#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "headless/egl_context.hpp"
#include "model/display_text.hpp"
#include "net/retrieval.hpp"
#include "net/server.hpp"
#include "pixel/auto_window.hpp"
#include "render/renderer.hpp"
#include "series/series_builder.hpp"
#include "session/stack_session.hpp"
#include "viewer/commands.hpp"

namespace dcmlens::cli {

using bench::Clock;
using bench::msSince;
using bench::peakRssBytes;
using bench::percentile;

int runBench(const std::vector<std::string>& args) {
    std::set<std::string> valued = planeOptionNames();
    valued.insert({"--viewport", "--layout", "--interp", "--wado"});
    const Arguments a(args, {"--json"}, valued);
    const auto plane = readPlaneOptions(a);
    RenderSettings interp;
    readViewOptions(a, interp);
    if (a.has("--interp") && !plane) {
        throw UsageError{"--interp is for bench --plane"};
    }
    if (a.positionals().empty()) {
        throw UsageError{"bench needs a file or folder"};
    }
    std::optional<viewer::Grid> grid;
    if (auto l = a.value("--layout")) {
        grid = viewer::parseGrid(*l);
        if (!grid) {
            throw UsageError{"--layout is 1x1, 1x2, 2x1, 2x2, 1x3 or 3x3, not '" + *l + "'"};
        }
    }
    int vw = 1024;
    int vh = 1024;
    if (auto v = a.value("--viewport")) {
        auto [w, h] = parsePair("--viewport", *v, 'x');
        if (w < 1 || h < 1 || w > 16384 || h > 16384) {
            throw UsageError{"--viewport needs WxH between 1x1 and 16384x16384"};
        }
        vw = static_cast<int>(w);
        vh = static_cast<int>(h);
    }
    if (grid) {
        try {
            return benchLayout(*grid, a.positionals(), vw, vh, a.has("--json"));
        } catch (const Error& e) {
            return reportError(a.positionals().front(), e.what());
        }
    }
    try {
        // The viewer has its window and GL context before a folder is opened.
        // The viewer has loaded DCMTK's dictionary while its window opened (dicom::warmUp).
        std::thread warmUp(dicom::warmUp);
        std::unique_ptr<headless::EglContext> made;
        try {
            made = std::make_unique<headless::EglContext>();
        } catch (...) {
            warmUp.join();  // a joinable thread must not be destroyed: the error is one line
            throw;
        }
        warmUp.join();
        const headless::EglContext& context = *made;
        render::Renderer renderer;
        render::Framebuffer target(vw, vh);
        target.bind();

        const auto opened = Clock::now();
        std::vector<std::string> problems;  // a DICOMDIR's: reported as files that fail to open
        std::optional<net::SeriesLocation> remote = net::parseSeriesLocation(a.positionals()[0]);
        std::vector<std::string> files;
        std::unique_ptr<session::StackSession> made_session;
        viewer::ViewState state;
        viewer::ViewContext ctx;
        ctx.viewportWidth = vw;
        ctx.viewportHeight = vh;
        auto drawWith = [&](session::StackSession& s) {
            const model::Instance& in = s.instanceOf(state.frame);
            ctx.imageWidth = in.pixel.columns;
            ctx.imageHeight = in.pixel.rows;
            ctx.pixelAspect = pixel::pixelAspect(in.geometry);
            s.draw(state.frame, viewer::displayOptions(state, in), viewer::viewMapping(state, ctx),
                   state.linear, vw, vh);
            glFinish();
        };
        // The first image's window, as the viewer sets it when the image becomes resident.
        auto initialWindow = [&](session::StackSession& s) {
            const model::Instance& in = s.instanceOf(0);
            const auto& windows = in.windowsFor(0);
            const pixel::ValueRange range = s.frameStats(0).range;
            const model::Window w = windows.empty() ? pixel::minMaxWindow(range) : windows.front();
            state.center = w.center;
            state.width = w.width;
            ctx.valueMin = range.min;
            ctx.valueMax = range.max;
        };
        double firstFrameMs = -1;
        double retrievedMs = -1;     // a series on a server: when its last instance had arrived
        double firstArrivalMs = -1;  // and when its first had arrived (parsed)
        constexpr std::uint64_t kUploadPerFrame = 64ull << 20;
        std::vector<std::shared_ptr<const model::Instance>> headers;
        if (remote) {
            // From the start of the retrieve: the first instance to arrive (the middle slice) is
            // shown at once, alone, as a viewer streaming the series would; the stack is built
            // once every instance is in.
            std::unique_ptr<net::InstanceCache> cache = openInstanceCache();
            net::SeriesRetrieval::Options options;
            options.cache = cache->usable() ? cache.get() : nullptr;
            // Decoded by the session's loader straight into the layers, as files are: decoding
            // on the retrieval's threads as instances arrive measured slower on 2 cores (two
            // more copies of every image and a copy into the layers; benchmarks.md).
            options.decode = false;
            // --wado instances|series: how a DICOMweb series is fetched (benchmarks compare).
            if (const auto wado = a.value("--wado")) {
                if (*wado != "instances" && *wado != "series") {
                    throw UsageError{"--wado is instances or series"};
                }
                options.strategy = *wado == "instances"
                                       ? net::SeriesRetrieval::Strategy::Instances
                                       : net::SeriesRetrieval::Strategy::SeriesAndWanted;
            }
            net::SeriesRetrieval retrieval(*remote, options);
            std::unique_ptr<session::StackSession> first;
            for (;;) {
                const bool finished = retrieval.progress().finished;
                for (auto& arrived : retrieval.take()) {
                    headers.push_back(std::move(arrived.header));
                }
                for (auto& e : retrieval.takeErrors()) {
                    problems.push_back(std::move(e));
                }
                if (firstFrameMs < 0 && !headers.empty()) {
                    if (!first) {
                        series::SeriesStack one;
                        one.instances = {headers.front()};
                        first = std::make_unique<session::StackSession>(renderer, std::move(one));
                    }
                    first->pump(kUploadPerFrame);
                    if (first->resident(0)) {
                        initialWindow(*first);
                        drawWith(*first);
                        firstFrameMs = msSince(opened);
                        first.reset();
                    }
                }
                if (finished) {
                    break;
                }
                retrieval.wait(std::chrono::milliseconds(first ? 0 : 2));
                if (first) {
                    std::this_thread::sleep_for(std::chrono::microseconds(500));
                }
            }
            retrievedMs = msSince(opened);
            firstArrivalMs = retrieval.progress().firstArrivalSeconds * 1000;
            for (const auto& h : headers) {
                files.push_back(h->path);
            }
            if (headers.empty()) {
                throw Error(problems.empty() ? "the server sent no instance" : problems.front());
            }
        } else {
            files = series::listFiles(a.positionals(), &problems);
            series::HeaderScan scan = series::scanHeaders(files);
            problems.insert(problems.end(), scan.errors.begin(), scan.errors.end());
            headers = std::move(scan.headers);
        }
        std::vector<series::SeriesStack> stacks = series::buildStacks(std::move(headers));
        if (stacks.empty()) {
            throw Error("no DICOM images found" +
                        (problems.empty() ? std::string() : " (" + problems.front() + ")"));
        }
        const double scanMs = msSince(opened);
        made_session =
            std::make_unique<session::StackSession>(renderer, std::move(stacks.front()), 0);
        session::StackSession& session = *made_session;
        const double sessionMs = msSince(opened);
        state.frameCount = session.frameCount();
        auto drawFrame = [&] { drawWith(session); };

        // The plane, when one is asked for: fitted into the viewport.
        std::optional<pixel::PlaneView> planeView;
        if (plane) {
            if (!session.volume()) {
                throw Error("cannot reformat this series: " + session.volumeProblem());
            }
            planeView = cli::planeView(*session.volume(), *plane, std::make_pair(vw, vh));
        }
        auto drawPlane = [&](const pixel::PlaneView& view) {
            pixel::DisplayOptions o;
            o.windowMode = pixel::DisplayOptions::WindowMode::Explicit;
            o.center = state.center;
            o.width = state.width;
            session.drawPlane(view, plane->slab, plane->projection, o, interp.linear);
            glFinish();
        };
        double firstPlaneMs = -1;     // the first MPR frame (slices still loading)
        double completePlaneMs = -1;  // the first with every slice resident

        // First image: as the viewer does, upload what is decoded each UI frame and draw the shown
        // image as soon as it is resident.
        double decodedMs = -1;  // when the workers had decoded every file
        double pumpMs = 0;      // main-thread time spent uploading (and allocating) in pump()
        bool windowSet = false;
        while (!session.allResident()) {
            const auto pumpStart = Clock::now();
            const bool progressed = session.pump(kUploadPerFrame) > 0;
            pumpMs += msSince(pumpStart);
            if (!windowSet && session.resident(0)) {
                initialWindow(session);
                windowSet = true;
                if (plane) {
                    drawPlane(*planeView);  // the MPR view from the start
                    firstPlaneMs = msSince(opened);
                } else {
                    drawFrame();
                }
                if (firstFrameMs < 0) {
                    firstFrameMs = msSince(opened);
                }
            }
            const auto p = session.progress();
            if (decodedMs < 0 && p.finished()) {
                decodedMs = msSince(opened);
            }
            if (!progressed && p.finished() && !session.allResident()) {
                break;  // failed files never become resident
            }
            if (!progressed) {
                std::this_thread::sleep_for(std::chrono::microseconds(500));
            }
        }
        if (!windowSet && session.resident(0)) {
            initialWindow(session);
        }
        const double residentMs = msSince(opened);
        if (plane) {
            drawPlane(*planeView);
            completePlaneMs = msSince(opened);
        }

        // A window/level drag: 200 steps, each a new window and a draw.
        std::vector<double> wl;
        const std::uint64_t beforeWl = renderer.uploadedBytes();
        const double startCenter = state.center;
        const double startWidth = state.width;
        for (int i = 1; i <= 200; ++i) {
            viewer::dragWindow(state, startCenter, startWidth, i * 2.0, i * 1.0, ctx, false);
            const auto t = Clock::now();
            drawFrame();
            wl.push_back(msSince(t));
        }
        const std::uint64_t wlUpload = renderer.uploadedBytes() - beforeWl;

        // A scroll through every resident image, twice.
        std::vector<double> scroll;
        const std::uint64_t beforeScroll = renderer.uploadedBytes();
        for (int pass = 0; pass < 2; ++pass) {
            for (int f = 0; f < session.frameCount(); ++f) {
                if (!session.resident(f)) {
                    continue;
                }
                state.frame = f;
                const auto t = Clock::now();
                drawFrame();
                scroll.push_back(msSince(t));
            }
        }
        const std::uint64_t scrollUpload = renderer.uploadedBytes() - beforeScroll;

        // The plane: moved along its normal 100 times (the wheel in an MPR viewport), then 50
        // window steps on it; nothing may be uploaded, and the peak RSS may not grow.
        std::vector<double> planeSteps;
        std::vector<double> axialSteps;  // 2D slice steps between them
        std::vector<double> planeWl;
        std::uint64_t planeUpload = 0;
        const std::uint64_t rssBeforePlane = peakRssBytes();
        if (plane) {
            target.bind();
            const std::uint64_t before = renderer.uploadedBytes();
            pixel::PlaneView view = *planeView;
            // Interleaved with 2D slice steps, so both see the same machine (the ratio).
            // Slow projections (a whole-volume MIP) stop after 20 s, with at least 3 steps.
            const auto planeStart = Clock::now();
            for (int i = 0; i < 100 && (i < 3 || msSince(planeStart) < 20000); ++i) {
                state.frame = (i * 7) % session.frameCount();
                if (session.resident(state.frame)) {
                    const auto t2 = Clock::now();
                    drawFrame();
                    axialSteps.push_back(msSince(t2));
                }
                view = pixel::moved(*planeView, ((i % 40) - 20) * 1.0);
                const auto t = Clock::now();
                drawPlane(view);
                planeSteps.push_back(msSince(t));
            }
            const auto wlStart = Clock::now();
            for (int i = 1; i <= 50 && (i <= 2 || msSince(wlStart) < 10000); ++i) {
                viewer::dragWindow(state, startCenter, startWidth, i * 2.0, i * 1.0, ctx, false);
                const auto t = Clock::now();
                drawPlane(*planeView);
                planeWl.push_back(msSince(t));
            }
            planeUpload = renderer.uploadedBytes() - before;
        }

        JsonWriter j;
        j.beginObject();
        j.key("files").value(static_cast<unsigned long>(files.size()));
        j.key("images").value(session.frameCount());
        j.key("pixel_bytes").value(static_cast<unsigned long>(session.pixelBytes()));
        j.key("first_frame_ms").value(firstFrameMs);
        j.key("resident_ms").value(residentMs);
        j.key("wl_frame_ms_median").value(percentile(wl, 50));
        j.key("wl_frame_ms_p99").value(percentile(wl, 99));
        j.key("wl_upload_bytes").value(static_cast<unsigned long>(wlUpload));
        j.key("scroll_frame_ms_median").value(percentile(scroll, 50));
        j.key("scroll_frame_ms_p99").value(percentile(scroll, 99));
        j.key("scroll_upload_bytes").value(static_cast<unsigned long>(scrollUpload));
        j.key("peak_rss_bytes").value(static_cast<unsigned long>(peakRssBytes()));
        j.key("scan_ms").value(scanMs);
        j.key("session_ms").value(sessionMs);
        // Where the resident time goes: decoding finished at decoded_ms; the main thread spent
        // pump_ms uploading. Whichever is close to resident_ms is the limit.
        j.key("decoded_ms").value(decodedMs);
        if (remote) {
            // A series on a server: the last instance's arrival, from the start of the retrieve.
            j.key("retrieved_ms").value(retrievedMs);
            j.key("first_arrival_ms").value(firstArrivalMs);
        }
        j.key("pump_ms").value(pumpMs);
        j.key("viewport").beginArray().value(vw).value(vh).endArray();
        if (plane) {
            j.key("plane").value(pixel::planeKindName(plane->kind));
            j.key("interpolation").value(interp.linear ? "linear" : "nearest");
            j.key("projection").value(pixel::projectionName(plane->projection));
            j.key("slab_mm").value(std::isfinite(plane->slab) ? plane->slab : -1.0);
            j.key("slab_samples")
                .value(
                    session.volume()->sampling(*planeView, plane->slab, plane->projection).samples);
            j.key("plane_mm_per_pixel").value(planeView->mmPerPixel);
            j.key("first_plane_ms").value(firstPlaneMs);
            j.key("complete_plane_ms").value(completePlaneMs);
            j.key("plane_frame_ms_median").value(percentile(planeSteps, 50));
            j.key("plane_frame_ms_p99").value(percentile(planeSteps, 99));
            j.key("interleaved_2d_frame_ms_median").value(percentile(axialSteps, 50));
            j.key("plane_to_2d_ratio")
                .value(percentile(planeSteps, 50) / std::max(1e-9, percentile(axialSteps, 50)));
            j.key("plane_wl_ms_median").value(percentile(planeWl, 50));
            j.key("plane_upload_bytes").value(static_cast<unsigned long>(planeUpload));
            j.key("peak_rss_before_plane_bytes").value(static_cast<unsigned long>(rssBeforePlane));
        }
        j.key("windowed").value(session.windowed());
        j.key("renderer").value(context.description());
        j.endObject();
        if (a.has("--json")) {
            std::cout << j.str() << std::endl;
        } else {
            std::printf(
                "%s, %s, %.1f MB of pixels\n", model::countText(files.size(), "file").c_str(),
                model::countText(static_cast<std::uint64_t>(session.frameCount()), "image").c_str(),
                static_cast<double>(session.pixelBytes()) / 1e6);
            std::printf("headers read        %8.1f ms, stack allocated at %.1f ms\n", scanMs,
                        sessionMs);
            std::printf("first image shown   %8.1f ms after opening\n", firstFrameMs);
            std::printf(
                "all resident        %8.1f ms (all decoded at %.1f ms; uploads took %.1f ms)\n",
                residentMs, decodedMs, pumpMs);
            std::printf("window/level step   median %.2f ms, p99 %.2f ms, %llu bytes uploaded\n",
                        percentile(wl, 50), percentile(wl, 99),
                        static_cast<unsigned long long>(wlUpload));
            std::printf("slice step          median %.2f ms, p99 %.2f ms, %llu bytes uploaded\n",
                        percentile(scroll, 50), percentile(scroll, 99),
                        static_cast<unsigned long long>(scrollUpload));
            if (plane) {
                std::printf("%s plane (%s%s%s)\n", pixel::planeKindName(plane->kind),
                            interp.linear ? "trilinear" : "nearest",
                            plane->projection == pixel::Projection::None ? "" : ", ",
                            plane->projection == pixel::Projection::None
                                ? ""
                                : pixel::projectionName(plane->projection));
                std::printf("first MPR frame     %8.1f ms after opening, complete at %.1f ms\n",
                            firstPlaneMs, completePlaneMs);
                std::printf(
                    "plane step          median %.2f ms, p99 %.2f ms; W/L on it %.2f ms; "
                    "%llu bytes uploaded\n",
                    percentile(planeSteps, 50), percentile(planeSteps, 99), percentile(planeWl, 50),
                    static_cast<unsigned long long>(planeUpload));
                std::printf(
                    "2D step between     median %.2f ms: plane / 2D %.2fx\n",
                    percentile(axialSteps, 50),
                    percentile(planeSteps, 50) / std::max(1e-9, percentile(axialSteps, 50)));
                std::printf("peak RSS before MPR %.1f MB\n",
                            static_cast<double>(rssBeforePlane) / 1e6);
            }
            std::printf("peak RSS            %.1f MB\n", static_cast<double>(peakRssBytes()) / 1e6);
            std::printf("renderer            %s\n", context.description().c_str());
        }
        return 0;
    } catch (const Error& e) {
        return reportError(a.positionals().front(), e.what());
    }
}

}  // namespace dcmlens::cli

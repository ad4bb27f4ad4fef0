// The DICOM display pipeline (docs/pipeline.md), stage for stage the same as src/pixel/:
// stored -> modality -> VOI -> polarity -> truncation to 8 bits -> colormap, or the colour paths.
// The prefix defines STORED_SAMPLER (usampler2DArray or isampler2DArray); stored values are read
// exactly with texelFetch from integer textures.

uniform STORED_SAMPLER u_stored;  // one layer per frame, values as decoded
uniform int u_layer;
uniform ivec2 u_imageSize;  // the whole image
uniform ivec4 u_tile;       // x, y, width, height of this tile's texture inside the image
uniform ivec4 u_owned;      // the pixels this tile draws (its texture adds a 1-pixel margin)

// Output pixel -> image coordinates: p = (output + 0.5 - u_offset) * u_scale (pixels).
uniform vec2 u_offset;
uniform vec2 u_scale;
uniform int u_outputHeight;
uniform bool u_linear;  // bilinear interpolation of modality values (greyscale only)

// Modality (PS3.3 C.11.1).
uniform bool u_modalityLut;
uniform float u_slope;
uniform float u_intercept;
uniform usampler2D u_modalityTable;  // 256 entries per row
uniform int u_modalityFirst;
uniform int u_modalityCount;

// VOI (PS3.3 C.11.2), polarity and quantisation. A window (LINEAR, LINEAR_EXACT, SIGMOID) or no
// VOI is a monotonic step function of m: its 255 steps come from the CPU pipeline in double
// (pixel/level_thresholds.hpp), so the level is found by comparisons, exactly. A VOI LUT
// (u_voiLut) is looked up: output = low + entry * gradient.
uniform bool u_voiLut;
uniform float u_thresholds[256];
uniform bool u_falling;
uniform bool u_invert;
uniform float u_gradient;
uniform usampler2D u_voiTable;
uniform int u_voiFirst;
uniform int u_voiCount;

// Output. Modes: 0 grey, 1 RGB, 2 8-bit YBR (additive term tables), 3 palette, 4 deeper YBR.
uniform int u_colorMode;
uniform int u_bits;                 // bits of colour samples (to reduce to 8)
uniform usampler2D u_colormap;      // 256 x 1 RGBA: grey level -> colour
uniform isampler2D u_ybrRedBlue;    // 256 x 1: r = red term by Cr, g = blue term by Cb
uniform isampler2D u_ybrGreen;      // 256 x 256: green term at (Cr, Cb)
uniform usampler2D u_palette;       // 256 entries per row, RGB in r, g, b
uniform ivec3 u_paletteBits;
uniform int u_paletteFirst;
uniform int u_paletteCount;

out vec4 fragColor;

ivec4 storedAt(ivec2 p) {
    ivec2 q = clamp(p, ivec2(0), u_imageSize - 1) - u_tile.xy;  // edges repeat
    q = clamp(q, ivec2(0), u_tile.zw - 1);
    return ivec4(texelFetch(u_stored, ivec3(q, u_layer), 0));
}

uint tableAt(usampler2D table, int index) {
    return texelFetch(table, ivec2(index & 255, index >> 8), 0).r;
}

float modality(int s) {
    if (u_modalityLut) {
        return float(tableAt(u_modalityTable, clamp(s - u_modalityFirst, 0, u_modalityCount - 1)));
    }
    return float(s) * u_slope + u_intercept;
}

// The largest k with level(m) >= k: a binary search over the thresholds.
int levelOf(float m) {
    if (u_voiLut) {
        int i = clamp(int(floor(m)) - u_voiFirst, 0, u_voiCount - 1);
        float y = (u_invert ? 255.0 : 0.0) + float(tableAt(u_voiTable, i)) * u_gradient;
        return clamp(int(floor(y)), 0, 255);  // DCMTK truncates
    }
    int lo = 0;
    int hi = 255;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        bool atLeast = u_falling ? m < u_thresholds[mid] : m >= u_thresholds[mid];
        if (atLeast) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo;
}

int colorTo8Bit(int v, int bits) {
    if (bits >= 8) {
        // Unsigned shift: 32-bit samples keep their bit pattern through int().
        return int(min(uint(v) >> uint(bits - 8), 255u));
    }
    return clamp(int(float(v) * (255.0 / float((1 << bits) - 1))), 0, 255);
}

vec4 level(int k) {
    return vec4(float(k) / 255.0);
}

void main() {
    ivec2 out_ = ivec2(int(gl_FragCoord.x), u_outputHeight - 1 - int(gl_FragCoord.y));
    vec2 p = (vec2(out_) + 0.5 - u_offset) * u_scale;
    if (p.x < 0.0 || p.y < 0.0 || p.x >= float(u_imageSize.x) || p.y >= float(u_imageSize.y)) {
        fragColor = vec4(0.0, 0.0, 0.0, 1.0);
        return;
    }
    ivec2 ip = ivec2(floor(p));
    if (any(lessThan(ip, u_owned.xy)) || any(greaterThanEqual(ip, u_owned.xy + u_owned.zw))) {
        discard;  // another tile draws this pixel
    }
    if (u_colorMode == 0) {
        float m;
        if (u_linear) {
            vec2 q = p - 0.5;
            ivec2 i0 = ivec2(floor(q));
            vec2 f = q - vec2(i0);
            float m00 = modality(storedAt(i0).r);
            float m10 = modality(storedAt(i0 + ivec2(1, 0)).r);
            float m01 = modality(storedAt(i0 + ivec2(0, 1)).r);
            float m11 = modality(storedAt(i0 + ivec2(1, 1)).r);
            m = mix(mix(m00, m10, f.x), mix(m01, m11, f.x), f.y);
        } else {
            m = modality(storedAt(ip).r);
        }
        int k = levelOf(m);
        fragColor = vec4(vec3(texelFetch(u_colormap, ivec2(k, 0), 0).rgb) / 255.0, 1.0);
        return;
    }
    ivec4 s = storedAt(ip);
    ivec3 rgb;
    if (u_colorMode == 3) {
        int i = clamp(s.r - u_paletteFirst, 0, u_paletteCount - 1);
        uvec3 e = texelFetch(u_palette, ivec2(i & 255, i >> 8), 0).rgb;
        rgb = ivec3(colorTo8Bit(int(e.r), u_paletteBits.r), colorTo8Bit(int(e.g), u_paletteBits.g),
                    colorTo8Bit(int(e.b), u_paletteBits.b));
    } else if (u_colorMode == 2) {
        int y = s.r;
        int cb = clamp(s.g, 0, 255);
        int cr = clamp(s.b, 0, 255);
        int red = texelFetch(u_ybrRedBlue, ivec2(cr, 0), 0).r;
        int blue = texelFetch(u_ybrRedBlue, ivec2(cb, 0), 0).g;
        int green = texelFetch(u_ybrGreen, ivec2(cr, cb), 0).r;
        rgb = clamp(ivec3(y + red, y + green, y + blue), 0, 255);
    } else if (u_colorMode == 4) {
        // DCMTK's real-valued formula for deeper YBR data (diyf2pxt.h), then reduced to 8 bits.
        float maxValue = float((1 << u_bits) - 1);
        vec3 f = vec3(s.rgb);
        vec3 d = vec3(f.x + 1.4020 * f.z - 0.7010 * maxValue,
                      f.x - 0.3441 * f.y - 0.7141 * f.z + 0.5291 * maxValue,
                      f.x + 1.7720 * f.y - 0.8859 * maxValue);
        ivec3 v = ivec3(clamp(d, vec3(0.0), vec3(maxValue)));
        rgb = ivec3(colorTo8Bit(v.r, u_bits), colorTo8Bit(v.g, u_bits), colorTo8Bit(v.b, u_bits));
    } else {
        rgb = ivec3(colorTo8Bit(s.r, u_bits), colorTo8Bit(s.g, u_bits), colorTo8Bit(s.b, u_bits));
    }
    fragColor = vec4(vec3(rgb) / 255.0, 1.0);
}

#!/usr/bin/env python3
"""Make the demo's video and audio lecture locally (nothing is downloaded): Chinese speech from
espeak-ng (`-v cmn`), pictures and encoding from ffmpeg (Debian packages `espeak-ng`, `ffmpeg`,
`fonts-noto-cjk`). Each is written with a WebVTT file whose cues are the sentences as spoken.

    python3 content/media/make_demo_media.py          # writes content/media/*.mp4, *.m4a, *.vtt
    python3 content/media/make_demo_media.py --check  # exit 0 when the tools are there

The texts are read aloud from the demo materials (content/materials/; the audio says the list's
numbers as 第一 … 第八): the video from
dangzhang-rudang-tiaojian.md (党章第一、五、六、七条), the audio from dangzhang-dangyuan-yiwu.md (党章第三条).
The results are committed (about 2 MB: a 2:29 MP4 video, a 5:17 M4A audio); run this again only to change them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

VIDEO_TITLE = "入党条件与入党誓词"
VIDEO_TEXT = """入党条件与入党誓词。
党章第一条规定：年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子，承认党的纲领和章程，愿意参加党的一个组织并在其中积极工作、执行党的决议和按期交纳党费的，可以申请加入中国共产党。
党章第五条规定，发展党员必须把政治标准放在首位，经过党的支部，坚持个别吸收的原则。申请入党的人要填写入党志愿书，要有两名正式党员作介绍人，要经过支部大会通过和上级党组织批准，并且经过预备期的考察，才能成为正式党员。
预备党员必须面向党旗进行入党宣誓。誓词为：我志愿加入中国共产党，拥护党的纲领，遵守党的章程，履行党员义务，执行党的决定，严守党的纪律，保守党的秘密，对党忠诚，积极工作，为共产主义奋斗终身，随时准备为党和人民牺牲一切，永不叛党。
预备党员的预备期为一年。党员的党龄从预备期满转为正式党员之日算起。"""

AUDIO_TEXT = """党员必须履行的八项义务。
《中国共产党章程》第三条列出了党员必须履行的八项义务。这里用简要的语言归纳每一项的要点，学习时请对照党章原文。
第一，认真学习。学习马克思列宁主义、毛泽东思想、邓小平理论、“三个代表”重要思想、科学发展观、习近平新时代中国特色社会主义思想，学习党的路线方针政策和决议，学习党的基本知识和科学、文化、法律、业务知识，提高为人民服务的本领。
第二，贯彻执行党的基本路线和方针政策，带头参加改革开放和社会主义现代化建设，在生产、工作、学习和社会生活中起先锋模范作用。
第三，坚持党和人民的利益高于一切，个人利益服从党和人民的利益，吃苦在前，享受在后，克己奉公，多做贡献。
第四，自觉遵守党的纪律，首先是政治纪律和政治规矩，模范遵守国家法律法规，严守党和国家的秘密，执行党的决定，服从组织分配。
第五，维护党的团结和统一，对党忠诚老实，言行一致，反对一切派别组织、小集团活动和两面派行为。
第六，切实开展批评和自我批评，勇于揭露和纠正工作中的缺点、错误，坚决同消极腐败现象作斗争。
第七，密切联系群众，向群众宣传党的主张，遇事同群众商量，及时向党反映群众的意见和要求，维护群众的正当利益。
第八，发扬社会主义新风尚，带头实践社会主义核心价值观，在危难时刻挺身而出，维护国家和人民的利益。
义务与权利相统一。入党积极分子在思想汇报中，可以对照这八项义务检查自己的差距，这也是培养联系人谈心谈话时常问的内容。"""

PAUSE = 0.35  # seconds of silence after each phrase


def phrases(text: str) -> list[str]:
    """The text cut after each ， 、 ： ； 。 into phrases of at most about 24 characters (one cue each)."""
    out: list[str] = []
    for part in re.findall(r"[^，：；。]+[，：；。]?", text.replace("\n", "")):
        if out and len(out[-1]) + len(part) <= 24 and not out[-1].endswith("。"):
            out[-1] += part
        else:
            out.append(part)
    return [p.strip() for p in out if p.strip()]


def speak(lines: list[str], work: Path, speed: int) -> tuple[Path, list[tuple[float, float, str]]]:
    """One WAV of all lines (espeak-ng, Mandarin) with PAUSE between them, and the cues."""
    cues, frames, params, at = [], [], None, 0.0
    for n, line in enumerate(lines):
        part = work / f"p{n:03d}.wav"
        subprocess.run(["espeak-ng", "-v", "cmn", "-s", str(speed), "-w", str(part), line], check=True)
        with wave.open(str(part)) as w:
            params = params or w.getparams()
            data = w.readframes(w.getnframes())
            length = w.getnframes() / w.getframerate()
        silence = b"\0" * (int(PAUSE * params.framerate) * params.sampwidth * params.nchannels)
        frames.append(data + silence)
        cues.append((at, at + length, line))
        at += length + PAUSE
    whole = work / "speech.wav"
    with wave.open(str(whole), "wb") as w:
        w.setparams(params)
        for chunk in frames:
            w.writeframes(chunk)
    return whole, cues


def stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def write_vtt(path: Path, cues: list[tuple[float, float, str]]) -> None:
    lines = ["WEBVTT", ""]
    for n, (start, end, text) in enumerate(cues, start=1):
        lines += [str(n), f"{stamp(start)} --> {stamp(end)}", text, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def make_video(work: Path) -> None:
    speech, cues = speak(phrases(VIDEO_TEXT), work, 150)
    title = work / "title.txt"
    title.write_text(VIDEO_TITLE, encoding="utf-8")
    font = f"fontfile={FONT}:" if Path(FONT).exists() else ""
    picture = (f"drawtext={font}textfile={title}:fontcolor=0xFFE9A8:fontsize=34:x=(w-text_w)/2:y=h/2-50,"
               f"drawtext={font}text='学习资料 · 党章':fontcolor=white:fontsize=18:x=(w-text_w)/2:y=h/2+10,"
               f"drawtext={font}text='%{{pts\\:hms}}':fontcolor=white:fontsize=16:x=w-text_w-12:y=h-text_h-10")
    # MP4 (H.264 + AAC, moov first): what every phone plays, iOS Safari included.
    ffmpeg("-f", "lavfi", "-i", "color=c=0xA61B1B:s=640x360:r=10", "-i", str(speech), "-vf", picture,
           "-c:v", "libx264", "-profile:v", "main", "-pix_fmt", "yuv420p", "-crf", "30", "-preset", "veryslow",
           "-tune", "stillimage", "-c:a", "aac", "-b:a", "32k", "-ac", "1", "-t", f"{cues[-1][1] + PAUSE:.3f}",
           "-movflags", "+faststart", str(HERE / "rudang-tiaojian.mp4"))
    write_vtt(HERE / "rudang-tiaojian.vtt", cues)


def make_audio(work: Path) -> None:
    speech, cues = speak(phrases(AUDIO_TEXT), work, 120)
    ffmpeg("-i", str(speech), "-c:a", "aac", "-b:a", "32k", "-ac", "1", "-movflags", "+faststart",
           str(HERE / "dangyuan-yiwu.m4a"))
    write_vtt(HERE / "dangyuan-yiwu.vtt", cues)


def main() -> int:
    missing = [tool for tool in ("ffmpeg", "espeak-ng") if shutil.which(tool) is None]
    if missing:
        print(f"make_demo_media: {', '.join(missing)} not installed (apt-get install ffmpeg espeak-ng "
              "fonts-noto-cjk); the demo media are not made.", file=sys.stderr)
        return 1
    if "--check" in sys.argv:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "v").mkdir()
        (Path(tmp) / "a").mkdir()
        make_video(Path(tmp) / "v")
        make_audio(Path(tmp) / "a")
    for path in sorted(HERE.glob("*.*")):
        if path.suffix in (".mp4", ".m4a", ".vtt"):
            print(f"{path.name}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

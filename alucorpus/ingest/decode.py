"""Bytes → text, decided on purpose.

The order of evidence, strongest first:

1. a byte-order mark (UTF-8, UTF-16 LE/BE);
2. strict UTF-8: non-ASCII bytes that decode as UTF-8 are almost never anything
   else, so this wins even over a declared charset (real pages declare
   ``gb2312`` and are UTF-8);
3. GB18030 (a superset of GBK and GB2312) against Big5-HKSCS: both are tried
   strictly, and each decoding is scored by the share of its ideographs that are
   among the ~2,000 most common Chinese characters (Simplified and Traditional).
   Big5 bytes read as GB18030, or GB bytes read as Big5, give rare characters;
4. the declared charset (HTML ``<meta charset>``, ``http-equiv`` content type,
   XML ``encoding=``) only breaks a tie between (3)'s candidates.

Replacement characters are the last resort and always come with a warning.
Text that decodes but reads as no plausible Chinese in either legacy encoding
(EUC-TW is the known case: Python has no codec for it and its bytes decode as
GB18030 gibberish) raises :class:`~alucorpus.errors.DecodeError` rather than
return mojibake that would then be indexed.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, field

from ..analysis import CJK_IDEOGRAPHS
from ..errors import DecodeError

log = logging.getLogger(__name__)

# How many leading bytes to look at for a declared charset and for binary content.
_SNIFF_BYTES = 8192

# A decoding whose ideographs are mostly rare is mojibake: legitimate GB2312 and
# Big5 texts in the test corpus score 0.86-0.99, the wrong legacy decoding
# 0.05-0.25, EUC-TW read as GB18030 0.34.
_MIN_COMMON_SHARE = 0.5
# Below this many ideographs the score says too little to reject a decoding.
_MIN_IDEOGRAPHS_TO_JUDGE = 20
# Two scores closer than this are a tie, broken by the declared charset.
_TIE_MARGIN = 0.05

_GB = "gb18030"
_BIG5 = "big5hkscs"

# Declared names mapped to the codec we actually use: GB18030 decodes every
# GB2312/GBK byte sequence the same way, Big5-HKSCS every Big5 one.
_CHARSET_FAMILY = {
    "gb2312": _GB,
    "gbk": _GB,
    "gb18030": _GB,
    "x-gbk": _GB,
    "cp936": _GB,
    "euc-cn": _GB,
    "hz-gb-2312": _GB,
    "big5": _BIG5,
    "big5-hkscs": _BIG5,
    "big5hkscs": _BIG5,
    "x-big5": _BIG5,
    "cp950": _BIG5,
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
}

_DECLARED_RES = (
    re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE),
    re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE),
)

# Bytes that never occur in text: C0 controls except tab, LF, FF, CR and ESC.
_CONTROL_BYTES = bytes(sorted(frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}))

_COMMON_HANZI = frozenset(
    "一丁七万丈三上下不与专且世业东丝两严並个中丰临丹为主丽举乃久么义之乌乎乐乘九也习乡书买乱亂"
    "了予争事二于云互五井亚些亞亡交亦产亩享京亮亲人亿什仁仅今介仍从他付仙代令以仪们件价任份企伊"
    "伍伏休众优伙会伟传伤伦伯伴伸似但位低住体佔何余佛作你佳使來例侍供依侧侵便促俄俗保信修個倍們"
    "倒候借倫值倾假偉偏做停健側備储傳傷傾僅像僧價儀億優儲儿元兄充先光克免兒党入內全兩八公六兰共"
    "关兴兵其具典养兼内再冒写军农冠冬冰冲决况冷净准减几凡凤凭出击刀分切刑划列刘则刚创初判別利别"
    "到制刺刻剂則前剑剛剧剩副創劃劇劉劍劑力办功加务动助努劲劳势勁勇勒動務勝勞勢包化北匯区医區十"
    "千升午半华协協单卖南博占卡卫印危即却卷卻厂厅历厉压厚原厲去县参參又及友双反发叔取受变口古句"
    "另只叫召可台史右叶号司叹吃各合吉同名后向吗君否吧吨含听启吳吴吸呀呈告员呢周味呼命和咱品哈响"
    "員哥哪哭唐售唯唱商啊問啓啟啦善喊喜喝喫單嗎嘆嘉嘴器噸嚴四回因团园困围固国图圆圈國圍園圓圖團"
    "土圣在地场址均坏坐块坚坛坡坦型埃城域執培基堂堅堰報場塊塔塞境墓墙增墨壁壇壓壞士壮壯声处备复"
    "夏外多夜够夠夢夥大天太夫央失头夺奇奉奋奏奔奖套奥奧奪奮女奴奶她好如妇妈妹妻始姐姑姓委威娘婆"
    "婚婦媒媽子孔字存孙孝季学孩孫學宁它宇守安宋完宏宗官定宜宝实审客宣室宪宫宮害家容宽密富寒察實"
    "寧寨審寫寬寶对寺寻导封射将將專尊尋對導小少尔尖尚尤就尸尼尽尾局层居屆届屋屍展属層屬山岁岗岛"
    "岩岭岳岸峡峯峰島峽崇崗嶺嶽巖川州工左巧巨差己已巴币市布师希帝带師席帮帶常幅幕幣幫干平年并幸"
    "幹幾广庄庆床序库应底店庙府废度座庫庭康廟廠廢廣廳延廷建开异弃弄式引弟张弱張強弹强彈归当录形"
    "彩影役彻往征径待很律後徐徑徒得從御復微徵德徹心必忌忍志忘忙忠快念忽怀态怎怒怕思急性怪总恐恢"
    "恨恩息恶患您情惊惡惯想意愛感愿態慢慣慮慶憑憲應懷戏成我或战截戰戲戶户房所手才扎打托执扩扬批"
    "找承技把抓投抗折抢护报抬抱抵抽担拉拍拔招拜拥择括拿持挂指按挑挥振捕损换据授掉掌排掛採探接控"
    "推措提揚換握揮援損搖搜搞搶摆摇摩摸撤播擁擇擊操擔據擴擺支收改攻放政故效敌敏救敗教敢散敬数整"
    "敵數文斗料斤断斯新斷方於施旁旅旋族旗无既日旦旧早时昌明易星映春昨是显時晉晋晚普景晶智暖暗暴"
    "曰曲更書曹曾替最會月有朋服朗望朝期木未末本术朱机杀杂权李材村杜束条来杨杯東松板极构析林果枪"
    "架某染查柱标树校样核根格桂桃案桌桥梁梅條梦械检棄棉森植楊楚業極楼概榮構槍樂樓標模樣横樹橋機"
    "橫檢權次欢欧欲款歌歐歡止正此步武歲歷歸死殊残殖殘段殺殿毀毁母每毒比毕毛毫民气氣水永求汇汉汗"
    "江池汤決汽沉沒沙沟没河油治沿況泉法泛波泥注泪泰泽洋洗洛洞津洪洲活派流测济浓浪海消涉涓润涨液"
    "淚淡淨深混清渐減渡温測港游湖湘湯湾湿源準溝溫溼滅滑满滿演漢漲漸潛潜潤潮澤激濃濟灣火灭灯灰灵"
    "災灾炮炸点為烈烏烟烧热無焦然煙照熟熱燈燒營爆爭爱爲父爷爹爺爾牀牆片版牌牙牛物特犯状狀狐狗独"
    "猛献獎獨獲獻率玉王玩环现珍珠班現球理瑞環瓦甘甚生產用田由甲申电男画界留畝畢略番畫異當疑疗疾"
    "病症痛療登發白百的皆皇皮益盐监盖盘盛盟盡監盤目直相省看真眼眾着睛睡督瞧知短石矿码研破础硬确"
    "確碼磁磨礎礦示礼社祕祖神祥票祭禁福禮离秀私秋种科秘秦积称移稅程税種稱稳積穩究穷空穿突窗窮立"
    "站竞竟章童端競竹笑笔符第筆等筑答策签简算管箭節範篇築簡籤米类粉粮精糖糧系紀約紅納純紙級紛紝"
    "素紡索紧紫累細紹終組結絕絡給統絲經綜綠維網緊緒線緣編緩練縣縮縱總績繁織繞繼續红约级纪纯纳纵"
    "纷纸纺线练组细织终绍经结绕给络绝统继绩绪续维综绿缓编缘缩缺网罗罢罪置署罵罷羅羊美羣群義習翻"
    "老考者而耳职联聖聘聚聞聯聲職聽肉股肥肯育胆背胜胞胡胸能脈脉脑脚脫脱脸腦腰腳腹腿膽臉臣臨自至"
    "致臺與興舉舊舍舞航般舰船艦良色艺节花苏苗若苦英范茶荆草荊荒荡荣药荷莊莫莲获菜華营萨萬落葉著"
    "董蒙蓋蓝蓮蕩薩藍藏藝藥蘇蘭虎虑處虚虛號虫虽蛋融蟲血衆行術街衛衝衡衣补表袁被袭裁裂装裏補裝裡"
    "襄襲西要見規視親覺覽觀见观规视览觉角解触觸言訂計訊討訓記訪設許訴評詞詢試詩話該誉認語誤說誰"
    "課調談請論諸諾謀謂講謝證識警議護譽讀變讓计订认讨让训议讯记讲许论设访证评识诉词试诗话询该语"
    "误说请诸诺读课谁调谈谋谓谢谷豆豐象豪貌貝負財貢貧貨貫責貴買費貼貿資賊賞賣質購賽贊贝负贡财责"
    "败货质贫购贯贴贵贸费贼资赏赛赞走赵赶起超越趕趙趣足跃跑距跟跡路跳躍身車軍軟較載輕輩輪輯輸轄"
    "轉车转轮软轻载较辈辑输辖辛辞辦辭農边辽达迁迅过迎运近还这进远连迫述迷迹追退送适逃选透逐递途"
    "這通速造連進遇遊運遍過道達遗遞遠適遭遷選遺遼避還邊那邦郎郑郡部郭都鄂鄉鄭配酒酸醒醫采释釋里"
    "重野量金針銀銅銷鋒鋪鋼錄錛錢錯鍵鍾鎮鏡鐵针钟钢钱铁铜银铺销锋错锛键镇镜長长門閃閉開閒間閣閱"
    "闖關门闪闭问闯闲间闹闻阁阅队防阳阴阵阶阻阿附际陆陈降限院陣除险陰陳陵陷陸陽隆隊階随隐隔際障"
    "隨險隱隶隸难雄雅集雕雖雙雜雞離難雨雪雲零雷電需震露靈青静靜非靠面革韋韓韦韩音響頁頂項順須預"
    "頓領頭頻題額願類顧顯页顶项顺须顾顿预领频题额風风飛飞食飯飲養餘館饭饮馆首香馬駐騎驗驚马驻骂"
    "验骑骨體高鬥鬧鬼魏魚魯鮮鱼鲁鲜鳥鳳鴻鸟鸡鸿鹽鹿麗麥麦麻麼黃黄黎黑默點黨鼓齊齐齡龄龍龙"
)


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the codec that produced it and what went wrong on the way."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes, path: str = "") -> Decoded:
    """Decode the raw bytes of a file, choosing the encoding from the bytes themselves.

    Args:
        data: the raw file content.
        path: used only in warnings and error messages.

    Returns:
        The text (BOM removed), the codec name used and a list of warnings
        (each fallback is also logged on this module's logger).

    Raises:
        DecodeError: binary data, or bytes that decode as no plausible text.

    >>> decode_bytes("通知".encode("gb2312")).encoding
    'gb18030'
    """
    label = path or "<bytes>"
    bom = _decode_bom(data, label)
    if bom is not None:
        return bom
    if _looks_binary(data):
        raise DecodeError(f"{label}: binary file (NUL or control bytes), not text")
    declared = declared_charset(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        warnings: list[str] = []
        if declared is not None and _CHARSET_FAMILY.get(declared) != "utf-8" and not data.isascii():
            warnings.append(_warn(label, f"declared {declared} but bytes are utf-8"))
        return Decoded(text, "utf-8", warnings)
    return _decode_legacy(data, declared, label)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML ``<meta>`` or an XML declaration names, lower-cased, or None.

    Comments such as chardet's ``Expect: GB18030`` are not declarations.
    """
    head = data[:_SNIFF_BYTES]
    for pattern in _DECLARED_RES:
        match = pattern.search(head)
        if match:
            return match.group(1).decode("ascii").lower()
    return None


_IDEOGRAPH_RE = re.compile(f"[{CJK_IDEOGRAPHS}]")


def cjk_plausibility(text: str) -> tuple[float, int]:
    """Share of the text's ideographs that are common Chinese characters, and their count.

    The share is 1.0 for a text without ideographs: nothing argues against it.
    """
    ideographs = _IDEOGRAPH_RE.findall(text)
    if not ideographs:
        return 1.0, 0
    common = sum(ch in _COMMON_HANZI for ch in ideographs)
    return common / len(ideographs), len(ideographs)


def _decode_bom(data: bytes, label: str) -> Decoded | None:
    """Decode by byte-order mark, or None when there is none."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return Decoded(body.decode(codec), codec, [])
            except UnicodeDecodeError as exc:
                # A BOM is strong evidence: keep the codec, replace the broken bytes.
                message = f"{codec} BOM but invalid bytes at {exc.start}; replaced"
                return Decoded(body.decode(codec, "replace"), codec, [_warn(label, message)])
    return None


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes near the start mean a binary file."""
    head = data[:_SNIFF_BYTES]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # deleted = counted
    return controls / len(head) > 0.05


def _decode_legacy(data: bytes, declared: str | None, label: str) -> Decoded:
    """Choose between GB18030 and Big5-HKSCS for bytes that are not UTF-8."""
    family = _CHARSET_FAMILY.get(declared or "")
    scored: list[tuple[float, int, str, str]] = []
    for codec in (_GB, _BIG5):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        share, count = cjk_plausibility(text)
        scored.append((share, count, codec, text))
    if scored:
        scored.sort(key=lambda item: item[0], reverse=True)
        best = scored[0]
        if len(scored) == 2 and best[0] - scored[1][0] < _TIE_MARGIN and family == scored[1][2]:
            best = scored[1]
        share, count, codec, text = best
        if count >= _MIN_IDEOGRAPHS_TO_JUDGE and share < _MIN_COMMON_SHARE:
            mixed = _decode_mixed_lines(data, family, label)
            if mixed is not None:
                return mixed
            raise DecodeError(
                f"{label}: not UTF-8, and neither GB18030 nor Big5 gives plausible Chinese "
                f"(best: {codec}, {share:.0%} common characters); an unsupported encoding "
                "such as EUC-TW? Convert the file to UTF-8 and try again"
            )
        warnings: list[str] = []
        if declared is not None and family != codec:
            warnings.append(_warn(label, f"declared {declared} but bytes are {codec}"))
        elif declared is None:
            log.debug("%s: no declared charset, bytes decode as %s", label, codec)
        return Decoded(text, codec, warnings)
    mixed = _decode_mixed_lines(data, family, label)
    if mixed is not None:
        return mixed
    return _decode_with_replacement(data, family, label)


def _decode_mixed_lines(data: bytes, family: str | None, label: str) -> Decoded | None:
    """Each line as UTF-8 when it is UTF-8, else in one legacy codec; None if that fails.

    Files pasted together from two sources (a UTF-8 header on a GBK body) decode as
    neither encoding whole, yet every line decodes cleanly in one of them. Tried only
    after whole-file decoding failed, so files in one encoding are never affected.
    """
    legacy = _BIG5 if family == _BIG5 else _GB
    parts: list[str] = []
    used_utf8 = used_legacy = False
    for line in data.splitlines(keepends=True):
        try:
            parts.append(line.decode("utf-8"))
            used_utf8 = used_utf8 or not line.isascii()
        except UnicodeDecodeError:
            try:
                parts.append(line.decode(legacy))
            except UnicodeDecodeError:
                return None
            used_legacy = True
    if not (used_utf8 and used_legacy):
        return None
    text = "".join(parts)
    share, count = cjk_plausibility(text)
    if count >= _MIN_IDEOGRAPHS_TO_JUDGE and share < _MIN_COMMON_SHARE:
        return None
    message = f"mixed encodings: lines in utf-8 and in {legacy}, each decoded in its own"
    return Decoded(text, f"utf-8+{legacy}", [_warn(label, message)])


def _decode_with_replacement(data: bytes, family: str | None, label: str) -> Decoded:
    """Last resort: replace the bytes no codec accepts, and say so.

    UTF-8 comes first when most of its multi-byte sequences are valid (a file
    cut in the middle of a character, one corrupted byte): a legacy codec would
    accept those bytes but turn every Chinese character into another one.
    Otherwise the legacy codec with the fewest replacements and the most
    plausible text wins; the declared one first on a tie.
    """
    utf8 = data.decode("utf-8", "replace")
    bad_utf8 = utf8.count("\ufffd")
    good_utf8 = sum(1 for ch in utf8 if ord(ch) > 0x7F) - bad_utf8
    if good_utf8 >= 4 * bad_utf8:
        codec, text, bad = "utf-8", utf8, bad_utf8
    else:
        candidates = [_GB, _BIG5]
        if family == _BIG5:
            candidates.reverse()
        results = []
        for name in candidates:
            decoded = data.decode(name, "replace")
            results.append((decoded.count("\ufffd"), -cjk_plausibility(decoded)[0], name, decoded))
        bad, _, codec, text = min(results, key=lambda item: item[:2])
    message = f"no encoding decodes cleanly; used {codec} with {bad} replacement characters"
    return Decoded(text, codec, [_warn(label, message)])


def _warn(label: str, message: str) -> str:
    """Log a decoding fallback and return it as a record warning."""
    log.warning("%s: %s", label, message)
    return message


__all__ = ["Decoded", "cjk_plausibility", "declared_charset", "decode_bytes"]

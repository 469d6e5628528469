"""A case worker's way through a running Trellis in a real headless browser: sign in, fill a needs
profile, find services, refer to the first housing match with consent to share the needs, send, and
wait until the agency accepts. For a server someone else started (scripts/run), unlike
browser_flow.py, which starts its own; over plain http that server must run with --insecure-cookies
(scripts/run does), or the browser keeps the Secure session cookie to itself.

  browser_smoke.py --base http://127.0.0.1:8080 --user casey --password SECRET [--out DIR]

Exit status 0 when the referral was accepted, 1 when a step failed (named, with a screenshot), 2 when
the browser could not start.
"""
import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--out", default="test-output/browser-smoke", help="screenshots (default: test-output/browser-smoke)")
    parser.add_argument("--postal-code", default="68102")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
    except ImportError:
        print("browser-smoke: selenium is missing (scripts/test installs it into .venv)", file=sys.stderr)
        return 2
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        print("browser-smoke: chromium or chromedriver is missing (scripts/setup installs them)", file=sys.stderr)
        return 2
    profile = tempfile.mkdtemp(prefix="trellis-smoke-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", f"--user-data-dir={profile}",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--disable-background-networking", "--no-first-run"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    step_number = [0]

    def step(name):
        step_number[0] += 1
        print(f"browser-smoke: {name}", file=sys.stderr)
        return f"{step_number[0]:02d}-{name.replace(' ', '-')}"

    def shot(name):
        driver.save_screenshot(str(out / f"{name}.png"))

    current = "start"
    try:
        current = step("sign in")
        driver.get(args.base + "/sign-in")
        driver.find_element(By.ID, "username").send_keys(args.user)
        driver.find_element(By.ID, "password").send_keys(args.password)
        driver.find_element(By.ID, "sign-in-button").click()
        shot(current)
        current = step("fill the needs profile")
        driver.get(args.base + "/")
        driver.find_element(By.ID, "person-ref").send_keys("P-SMOKE-1")
        driver.find_element(By.ID, "age").send_keys("39")
        driver.find_element(By.ID, "postal-code").send_keys(args.postal_code)
        driver.find_element(By.ID, "need-housing").click()
        shot(current)
        driver.find_element(By.ID, "find-services").click()
        current = step("matches")
        matches = driver.find_elements(By.CSS_SELECTOR, "section.need[data-domain=housing] article.match")
        shot(current)
        if not matches:
            raise AssertionError("no housing match")
        matches[0].find_element(By.CSS_SELECTOR, "button.refer-button").click()
        current = step("consent and preview")
        driver.find_element(By.ID, "category-needs").click()
        driver.find_element(By.ID, "preview-button").click()
        if not driver.find_element(By.ID, "disclosure-preview").text.strip():
            raise AssertionError("the preview is empty")
        shot(current)
        driver.find_element(By.ID, "send-button").click()
        current = step("wait for the agency")
        deadline = time.time() + 60
        status = ""
        while time.time() < deadline:
            status = driver.find_element(By.ID, "referral-status").text.strip()
            if status == "accepted":
                break
            time.sleep(1)
            driver.refresh()
        shot(current)
        if status != "accepted":
            raise AssertionError(f"the referral is still {status!r} after 60 s")
        print(f"browser-smoke: the referral at {driver.current_url} was accepted", file=sys.stderr)
        return 0
    except Exception as error:  # noqa: BLE001 - every failure is reported with its step
        shot(current + "-failed")
        print(f"browser-smoke: FAILED at {current} ({driver.current_url}): {error}", file=sys.stderr)
        return 1
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

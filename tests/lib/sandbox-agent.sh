# shellcheck shell=sh
# Sourced by the scripts the sandbox tests run as the agent: each helper
# tries one action and prints ok or the errno the sandbox answered with.
e() {
	case "$1" in
	"") echo ok ;;
	*"Permission denied"*) echo EACCES ;;
	*"Read-only file system"*) echo EROFS ;;
	*"No such file"*) echo ENOENT ;;
	*) echo "other: $1" ;;
	esac
}
w() { echo "W:$1=$(e "$( (echo x >"$1") 2>&1)")"; }
r() { echo "R:$1=$(e "$(cat "$1" 2>&1 >/dev/null)")"; }
x() { echo "X:$1=$(e "$("$1" 2>&1 >/dev/null)")"; }
l() { echo "L:$1=$(e "$(ls "$1" 2>&1 >/dev/null)")"; }
